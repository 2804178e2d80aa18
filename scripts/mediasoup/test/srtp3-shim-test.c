/* Round-trip test for the libsrtp3 shim (scripts/mediasoup/subprojects/libsrtp3):
 * protect/unprotect RTP+RTCP for every profile mediasoup uses, plus tamper detection.
 * Built and run by build-worker.sh. */
#include <arpa/inet.h>
#include <srtp.h>
#include <stdio.h>
#include <string.h>
static int run(srtp_profile_t prof, const char* name) {
  uint8_t key[64]; for (int i=0;i<64;i++) key[i]=(uint8_t)(i*7+1);
  size_t kl = srtp_profile_get_master_key_length(prof), sl = srtp_profile_get_master_salt_length(prof);
  srtp_t s[2]; int types[2] = { ssrc_any_outbound, ssrc_any_inbound };
  for (int i=0;i<2;i++) {
    srtp_policy_t p; if (srtp_policy_create(&p)) return 1;
    srtp_ssrc_t ss = { (srtp_ssrc_type_t)types[i], 0 };
    if (srtp_policy_set_ssrc(p, ss) || srtp_policy_set_profile(p, prof) || srtp_policy_add_key(p, key, kl, key+kl, sl, NULL, 0)
      || srtp_policy_set_allow_repeat_tx(p, true) || srtp_policy_set_window_size(p, 1024)) return 2;
    int e = srtp_create(&s[i], p); srtp_policy_destroy(p); if (e) { printf("create %d\n", e); return 3; }
  }
  uint8_t rtp[200] = {0x80, 111, 0, 1, 0,0,0,1, 0x12,0x34,0x56,0x78}; for (int i=12;i<200;i++) rtp[i]=(uint8_t)i;
  uint8_t out[2000]; size_t ol = sizeof out;
  int e = srtp_protect(s[0], rtp, 200, out, &ol, 0); if (e) { printf("protect %d\n", e); return 4; }
  size_t dl = ol; e = srtp_unprotect(s[1], out, ol, out, &dl); if (e || dl != 200 || memcmp(out, rtp, 200)) { printf("unprotect %d %zu\n", e, dl); return 5; }
  uint8_t rtcp[28] = {0x81, 201, 0, 6, 0x12,0x34,0x56,0x78}; ol = sizeof out;
  e = srtp_protect_rtcp(s[0], rtcp, 28, out, &ol, 0); if (e) { printf("protect_rtcp %d\n", e); return 6; }
  dl = ol; e = srtp_unprotect_rtcp(s[1], out, ol, out, &dl); if (e || dl != 28 || memcmp(out, rtcp, 28)) { printf("unprotect_rtcp %d\n", e); return 7; }
  rtp[3] = 2; ol = sizeof out; srtp_protect(s[0], rtp, 200, out, &ol, 0); out[30]^=1; dl = ol;
  e = srtp_unprotect(s[1], out, ol, out, &dl); if (e != srtp_err_status_auth_fail) { printf("tamper not detected %d\n", e); return 8; }
  srtp_stream_remove(s[1], htonl(0x12345678));
  srtp_dealloc(s[0]); srtp_dealloc(s[1]);
  printf("%s ok (key %zu salt %zu)\n", name, kl, sl); return 0;
}
int main(void) {
  if (srtp_init()) return 10;
  printf("%s\n", srtp_get_version_string());
  int r = run(srtp_profile_aes128_cm_sha1_80, "aes128_cm_sha1_80") | run(srtp_profile_aes128_cm_sha1_32, "aes128_cm_sha1_32")
    | run(srtp_profile_aead_aes_128_gcm, "aead_aes_128_gcm") | run(srtp_profile_aead_aes_256_gcm, "aead_aes_256_gcm");
  srtp_shutdown(); return r;
}
