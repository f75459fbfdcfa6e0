// Ablak stand-in for ankerl/unordered_dense.h v4: the worker uses map, set and hash only.
// std::unordered_map/set keep references and iterators valid in more cases than unordered_dense
// does, so code written against unordered_dense stays correct with them.
#ifndef ABLAK_ANKERL_UNORDERED_DENSE_H
#define ABLAK_ANKERL_UNORDERED_DENSE_H

#include <cstdint>
#include <functional>
#include <memory>
#include <unordered_map>
#include <unordered_set>
#include <utility>

namespace ankerl::unordered_dense
{
	template<typename Key, typename Enable = void>
	struct hash
	{
		auto operator()(const Key& key) const noexcept(noexcept(std::hash<Key>{}(key))) -> uint64_t
		{
			return static_cast<uint64_t>(std::hash<Key>{}(key));
		}
	};

	template<
	  class Key,
	  class Value,
	  class Hasher    = hash<Key>,
	  class Equal     = std::equal_to<Key>,
	  class Allocator = std::allocator<std::pair<const Key, Value>>>
	using map = std::unordered_map<Key, Value, Hasher, Equal, Allocator>;

	template<class Key, class Hasher = hash<Key>, class Equal = std::equal_to<Key>, class Allocator = std::allocator<Key>>
	using set = std::unordered_set<Key, Hasher, Equal, Allocator>;
} // namespace ankerl::unordered_dense

#endif
