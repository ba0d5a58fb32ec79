// The interface every storage backend implements: one BucketBackend per bucket, found through a
// StoreBackend. Backends store and fetch; the Bucket facade (store.h) has already checked limits
// and argument sizes before a backend sees a call, so backends only report their own failures
// (I/O, corruption, a non-numeric counter).
//
// For implementers: a Store owns its StoreBackend; a BucketBackend is shared (shared_ptr) by every
// Bucket handle on it and may outlive the StoreBackend, so it must not point back into it unless
// it keeps it alive. OpenBucket returns the same BucketBackend for the same name while one is
// alive. Calls come from one thread at a time (store.h); a backend that starts threads of its own
// synchronises with them itself. Report kNotFound from OpenBucket only for a name the backend
// does not serve (it becomes no-such-store); a missing file of its own is kIOError.
#ifndef KV_ENGINE_BACKEND_H_
#define KV_ENGINE_BACKEND_H_

#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kv/engine/counter.h"
#include "kv/engine/limits.h"
#include "kv/engine/types.h"
#include "kv/util/result.h"

namespace kv {

// Where a value read by GetInto goes: memory the caller owns (in a provider, the buffer it returns
// to the component model), so that the value is copied once, straight out of the store.
class ValueSink {
 public:
  virtual ~ValueSink() = default;
  // `size` writable bytes, or null when they cannot be had (and may be null for size 0). Called
  // at most once per GetInto.
  virtual uint8_t* Allocate(size_t size) = 0;
  // Offers the backend's own bytes in place of a copy. They stay valid and unchanged until the
  // next call on the bucket; a sink that can use them that long keeps the view and returns true,
  // and then Allocate is not called. The default declines.
  virtual bool Lend(ByteView) { return false; }
};

// `size` bytes from `sink`, or the error that says there are none.
util::Result<uint8_t*> Reserve(ValueSink& sink, size_t size);
// Writes `value` into `sink`.
util::Status CopyInto(ValueSink& sink, ByteView value);
// Lends `value` to `sink` (ValueSink::Lend), or copies it there when the sink declines. For a
// backend whose values stay put in memory between calls.
util::Status LendOrCopyInto(ValueSink& sink, ByteView value);

// A value as compare-and-swap sees it (none: the key is absent), with its version.
struct VersionedValue {
  std::optional<Bytes> value;
  std::string version;
};

class BucketBackend {
 public:
  virtual ~BucketBackend() = default;

  virtual util::Result<std::optional<Bytes>> Get(std::string_view key) = 0;
  // The same, written into `sink`: true when the key was there. Backends that hold values in
  // memory or read them from a file override it to copy once; this one copies twice.
  virtual util::Result<bool> GetInto(std::string_view key, ValueSink& sink);
  virtual util::Status Set(std::string_view key, ByteView value) = 0;
  // Deleting an absent key succeeds.
  virtual util::Status Delete(std::string_view key) = 0;
  virtual util::Result<bool> Exists(std::string_view key) = 0;

  // One page starting at `cursor` (none: the first page), bounded by `limits.list_page_keys` and
  // `limits.list_page_bytes`. A full walk returns every key present for the whole walk exactly
  // once. A cursor the backend did not hand out gives a clean page or an error, never undefined
  // behaviour.
  virtual util::Result<KeyPage> ListKeys(std::optional<uint64_t> cursor, const Limits& limits) = 0;

  // Adds `delta` to the decimal counter at `key` (absent: 0), in one indivisible step, and
  // returns the sum; a sum outside `range` is kInvalidArgument (counter.h). Errors leave the value
  // unchanged.
  virtual util::Result<CounterValue> Increment(std::string_view key, CounterValue delta,
                                               CounterRange range) = 0;

  // Compare-and-swap. ReadVersioned returns `key`'s value with a version: a token that every
  // later change of the key (a set, a delete, an increment, a batch, from any client) replaces
  // with another. WriteIfVersion writes `value` only while the key's version is still `version`,
  // checking and writing in one indivisible step: none when it wrote, otherwise the key's value
  // and version as the check found them (for the caller's retry, without another read). A
  // version may also change without a change of the key (a backend says when); it never stays
  // the same across one.
  virtual util::Result<VersionedValue> ReadVersioned(std::string_view key) = 0;
  virtual util::Result<std::optional<VersionedValue>> WriteIfVersion(
      std::string_view key, ByteView value, std::string_view version) = 0;

  // Positional: element i is the value of keys[i], or none.
  virtual util::Result<std::vector<std::optional<Bytes>>> GetMany(
      std::span<const std::string_view> keys) = 0;
  virtual util::Status SetMany(std::span<const KeyValueView> pairs) = 0;
  virtual util::Status DeleteMany(std::span<const std::string_view> keys) = 0;

  // Whether SetMany and DeleteMany apply all or nothing.
  virtual bool batches_are_atomic() const = 0;
};

class StoreBackend {
 public:
  virtual ~StoreBackend() = default;

  // The bucket called `name`, created when missing. Every call with the same name returns a
  // backend over the same data; different names never share data.
  virtual util::Result<std::shared_ptr<BucketBackend>> OpenBucket(std::string_view name) = 0;
};

inline util::Result<uint8_t*> Reserve(ValueSink& sink, size_t size) {
  uint8_t* out = sink.Allocate(size);
  if (out == nullptr && size != 0) {
    return util::LimitExceeded("no memory for a value of " + std::to_string(size) + " bytes");
  }
  return out;
}

inline util::Status CopyInto(ValueSink& sink, ByteView value) {
  ASSIGN_OR_RETURN(uint8_t * out, Reserve(sink, value.size()));
  if (!value.empty()) std::memcpy(out, value.data(), value.size());
  return util::Status::Ok();
}

inline util::Status LendOrCopyInto(ValueSink& sink, ByteView value) {
  if (!value.empty() && sink.Lend(value)) return util::Status::Ok();
  return CopyInto(sink, value);
}

inline util::Result<bool> BucketBackend::GetInto(std::string_view key, ValueSink& sink) {
  ASSIGN_OR_RETURN(std::optional<Bytes> value, Get(key));
  if (!value) return false;
  RETURN_IF_ERROR(CopyInto(sink, *value));
  return true;
}

}  // namespace kv

#endif  // KV_ENGINE_BACKEND_H_
