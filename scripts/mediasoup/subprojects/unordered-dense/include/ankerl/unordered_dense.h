// Minimal stand-in for https://github.com/martinus/unordered_dense (v4 API
// subset used by mediasoup's worker), implemented over the std containers.
// Semantics differ only in performance/iteration order, which mediasoup does
// not rely on.
#ifndef XCORD_ANKERL_UNORDERED_DENSE_SHIM_H
#define XCORD_ANKERL_UNORDERED_DENSE_SHIM_H

#include <cstdint>
#include <functional>
#include <memory>
#include <unordered_map>
#include <unordered_set>

namespace ankerl {
namespace unordered_dense {

template<class T, class Enable = void>
struct hash : std::hash<T>
{
};

template<
  class Key,
  class T,
  class Hash      = hash<Key>,
  class KeyEqual  = std::equal_to<Key>,
  class Allocator = std::allocator<std::pair<const Key, T>>>
using map = std::unordered_map<Key, T, Hash, KeyEqual, Allocator>;

template<
  class Key,
  class Hash      = hash<Key>,
  class KeyEqual  = std::equal_to<Key>,
  class Allocator = std::allocator<Key>>
using set = std::unordered_set<Key, Hash, KeyEqual, Allocator>;

namespace pmr {} // not provided

} // namespace unordered_dense
} // namespace ankerl

#endif
