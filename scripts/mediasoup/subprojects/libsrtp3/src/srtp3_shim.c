/*
 * libsrtp3 -> libsrtp2 compatibility layer for mediasoup's worker.
 * Compiled against Debian's <srtp2/srtp.h>; the public (libsrtp3-style)
 * declarations live in ../include/srtp.h (NOT included here, to keep the two
 * APIs apart). Keep the signatures below in sync with that header.
 */
#include <srtp2/srtp.h>

#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Values added by libsrtp3 (see include/srtp.h). */
#define XCORD_SRTP_ERR_BUFFER_SMALL ((srtp_err_status_t)28)

struct xcord_srtp3_policy {
    srtp_policy_t p; /* libsrtp2 policy */
    unsigned char key[SRTP_MAX_KEY_LEN]; /* master key || master salt */
    bool has_profile;
    bool has_key;
};

typedef struct xcord_srtp3_policy *xpolicy;

srtp_err_status_t xcord_srtp3_policy_create(xpolicy *policy)
{
    if (!policy)
        return srtp_err_status_bad_param;
    xpolicy x = calloc(1, sizeof(*x));
    if (!x)
        return srtp_err_status_alloc_fail;
    x->p.key = x->key;
    x->p.window_size = 128;
    x->p.ssrc.type = ssrc_undefined;
    *policy = x;
    return srtp_err_status_ok;
}

void xcord_srtp3_policy_destroy(xpolicy policy)
{
    if (policy) {
        memset(policy->key, 0, sizeof(policy->key));
        free(policy);
    }
}

srtp_err_status_t xcord_srtp3_policy_set_ssrc(xpolicy policy, srtp_ssrc_t ssrc)
{
    if (!policy)
        return srtp_err_status_bad_param;
    policy->p.ssrc = ssrc;
    return srtp_err_status_ok;
}

srtp_err_status_t xcord_srtp3_policy_set_profile(xpolicy policy, srtp_profile_t profile)
{
    if (!policy)
        return srtp_err_status_bad_param;
    srtp_err_status_t err = srtp_crypto_policy_set_from_profile_for_rtp(&policy->p.rtp, profile);
    if (err != srtp_err_status_ok)
        return err;
    err = srtp_crypto_policy_set_from_profile_for_rtcp(&policy->p.rtcp, profile);
    if (err != srtp_err_status_ok)
        return err;
    policy->has_profile = true;
    return srtp_err_status_ok;
}

srtp_err_status_t xcord_srtp3_policy_add_key(xpolicy policy,
                                             const uint8_t *key, size_t key_len,
                                             const uint8_t *salt, size_t salt_len,
                                             const uint8_t *mki, size_t mki_len)
{
    if (!policy || !key || (salt_len && !salt))
        return srtp_err_status_bad_param;
    /* libsrtp2 single-key policies carry no MKI; multiple keys unsupported here. */
    if (mki || mki_len || policy->has_key)
        return srtp_err_status_bad_param;
    if (key_len + salt_len > sizeof(policy->key))
        return srtp_err_status_bad_param;
    memcpy(policy->key, key, key_len);
    if (salt_len)
        memcpy(policy->key + key_len, salt, salt_len);
    policy->has_key = true;
    return srtp_err_status_ok;
}

srtp_err_status_t xcord_srtp3_policy_set_allow_repeat_tx(xpolicy policy, bool allow)
{
    if (!policy)
        return srtp_err_status_bad_param;
    policy->p.allow_repeat_tx = allow ? 1 : 0;
    return srtp_err_status_ok;
}

srtp_err_status_t xcord_srtp3_policy_set_window_size(xpolicy policy, size_t window_size)
{
    if (!policy || window_size < 64 || window_size >= 0x8000)
        return srtp_err_status_bad_param;
    policy->p.window_size = (unsigned long)window_size;
    return srtp_err_status_ok;
}

srtp_err_status_t xcord_srtp3_create(srtp_t *session, const xpolicy policy)
{
    if (!session)
        return srtp_err_status_bad_param;
    if (!policy)
        return srtp_create(session, NULL);
    if (!policy->has_profile || !policy->has_key)
        return srtp_err_status_bad_param;
    /* libsrtp2 copies the key material into the session, so the policy may be freed afterwards. */
    return srtp_create(session, &policy->p);
}

srtp_err_status_t xcord_srtp3_stream_remove(srtp_t session, uint32_t ssrc)
{
    /* libsrtp2 name; ssrc in network byte order in both versions. */
    return srtp_remove_stream(session, ssrc);
}

typedef srtp_err_status_t (*v2_fn)(srtp_t, void *, int *);

static srtp_err_status_t xcord_apply(v2_fn fn, srtp_t ctx,
                                     const uint8_t *in, size_t in_len,
                                     uint8_t *out, size_t *out_len,
                                     size_t needed_extra)
{
    if (!ctx || !in || !out || !out_len)
        return srtp_err_status_bad_param;
    if (in_len > INT_MAX - SRTP_MAX_TRAILER_LEN)
        return srtp_err_status_bad_param;
    /* libsrtp2 works in place and may append up to needed_extra bytes. */
    if (*out_len < in_len + needed_extra)
        return XCORD_SRTP_ERR_BUFFER_SMALL;
    if (out != in)
        memmove(out, in, in_len);
    int len = (int)in_len;
    srtp_err_status_t err = fn(ctx, out, &len);
    if (err != srtp_err_status_ok)
        return err;
    *out_len = (size_t)len;
    return srtp_err_status_ok;
}

srtp_err_status_t xcord_srtp3_protect(srtp_t ctx, const uint8_t *rtp, size_t rtp_len,
                                      uint8_t *srtp, size_t *srtp_len, size_t mki_index)
{
    if (mki_index != 0)
        return srtp_err_status_bad_mki;
    return xcord_apply(srtp_protect, ctx, rtp, rtp_len, srtp, srtp_len, SRTP_MAX_TRAILER_LEN);
}

srtp_err_status_t xcord_srtp3_unprotect(srtp_t ctx, const uint8_t *srtp, size_t srtp_len,
                                        uint8_t *rtp, size_t *rtp_len)
{
    return xcord_apply(srtp_unprotect, ctx, srtp, srtp_len, rtp, rtp_len, 0);
}

srtp_err_status_t xcord_srtp3_protect_rtcp(srtp_t ctx, const uint8_t *rtcp, size_t rtcp_len,
                                           uint8_t *srtcp, size_t *srtcp_len, size_t mki_index)
{
    if (mki_index != 0)
        return srtp_err_status_bad_mki;
    /* SRTCP trailer = 4-byte E+index + tag (<= 20 bytes without MKI), well within SRTP_MAX_TRAILER_LEN. */
    return xcord_apply(srtp_protect_rtcp, ctx, rtcp, rtcp_len, srtcp, srtcp_len, SRTP_MAX_TRAILER_LEN);
}

srtp_err_status_t xcord_srtp3_unprotect_rtcp(srtp_t ctx, const uint8_t *srtcp, size_t srtcp_len,
                                             uint8_t *rtcp, size_t *rtcp_len)
{
    return xcord_apply(srtp_unprotect_rtcp, ctx, srtcp, srtcp_len, rtcp, rtcp_len, 0);
}

size_t xcord_srtp3_profile_get_master_key_length(srtp_profile_t profile)
{
    return srtp_profile_get_master_key_length(profile);
}

size_t xcord_srtp3_profile_get_master_salt_length(srtp_profile_t profile)
{
    return srtp_profile_get_master_salt_length(profile);
}
