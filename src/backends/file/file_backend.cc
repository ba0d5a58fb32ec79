#include "backends/file/file_backend.h"

#include <algorithm>
#include <iterator>
#include <vector>

#include "backends/file/log_format.h"
#include "backends/file/log_state.h"
#include "engine/key_index.h"
#include "kv/engine/counter.h"
#include "util/hex.h"

namespace kv::file {

// One bucket's log and index. Every method first catches up with the file (Refresh), so changes
// by other processes are seen; changes are made under the directory lock. Methods that need the
// lock take the Guard that proves it is held; those that take a `const DirLock::Guard* held`
// work with or without it (nullptr).
//
// Not thread-safe: see file_backend.h.
class FileBucket final : public BucketBackend {
 public:
  FileBucket(std::shared_ptr<FileStoreState> store, std::string name, std::string path)
      : store_(std::move(store)), name_(std::move(name)), path_(std::move(path)) {}

  // Opens or creates the log; repairs a torn tail.
  util::Status Load(const DirLock::Guard& held);

  util::Result<std::optional<Bytes>> Get(std::string_view key) override;
  util::Result<bool> GetInto(std::string_view key, ValueSink& sink) override;
  util::Status Set(std::string_view key, ByteView value) override;
  util::Status Delete(std::string_view key) override;
  util::Result<bool> Exists(std::string_view key) override;
  util::Result<KeyPage> ListKeys(std::optional<uint64_t> cursor, const Limits& limits) override;
  util::Result<CounterValue> Increment(std::string_view key, CounterValue delta,
                                       CounterRange range) override;
  util::Result<VersionedValue> ReadVersioned(std::string_view key) override;
  util::Result<std::optional<VersionedValue>> WriteIfVersion(std::string_view key, ByteView value,
                                                             std::string_view version) override;
  util::Result<std::vector<std::optional<Bytes>>> GetMany(
      std::span<const std::string_view> keys) override;
  util::Status SetMany(std::span<const KeyValueView> pairs) override;
  util::Status DeleteMany(std::span<const std::string_view> keys) override;
  bool batches_are_atomic() const override { return true; }

 private:
  void Apply(const ScannedChange& c);
  // The key's value and version as the index has them (no catching up).
  util::Result<VersionedValue> VersionedNow(std::string_view key);

  // Drops deleted entries once they outnumber live ones: memory stays bounded by the live keys.
  void MaybeCompactIndex();
  void Reset();
  util::Status Refresh(const DirLock::Guard* held);
  util::Status CatchUp(const DirLock::Guard* held);
  util::Status Reload(const DirLock::Guard* held);
  util::Status RepairTail(uint64_t valid_end, uint64_t file_size);
  // Reads the whole log (of `size` bytes) into the index, a window at a time. Without the lock
  // (`held` null) a damaged last record is left for a holder of the lock to judge.
  util::Result<ScanResult> ScanFile(uint64_t size, const DirLock::Guard* held);
  // After a reload: each live key gets the sequence number it had before, in order, where it can.
  void CarryOverSeqs(const KeyIndex& before, const std::vector<uint64_t>& before_seqs);
  // Writes `record` (built by the caller) at the end of the log under the lock and indexes it.
  util::Status Write(const std::vector<uint8_t>& record);
  // The same when the caller holds the lock and has refreshed.
  util::Status WriteLocked(const DirLock::Guard& held, const std::vector<uint8_t>& record);
  util::Status MaybeCompact();
  util::Result<Bytes> ReadValue(const KeyIndex::Entry& entry);
  util::Status Fail(util::Status s) {
    return MissingIsIOError(std::move(s).WithContext(util::Quoted(path_, util::kWhole)));
  }

  std::shared_ptr<FileStoreState> store_;
  std::string name_;
  std::string path_;
  std::unique_ptr<File> file_;
  uint64_t file_id_ = 0;
  uint64_t end_ = 0;   // where the last complete record ends
  uint64_t size_ = 0;  // the file's size: end_, or more with zeros preallocated after it
  uint64_t header_bytes_ = 0;
  uint64_t live_bytes_ = 0;        // bytes of the log that latest changes of live keys account for
  KeyIndex index_;                 // entries in insertion order, the order list-keys walks
  // seqs_[i]: entry i's sequence number, increasing with i. The list-keys cursor is the number to
  // resume at, so compacting the index does not disturb a walk; and a reload (after another
  // process compacted the log, which keeps the order of its keys) carries numbers over, so
  // neither does that.
  std::vector<uint64_t> seqs_;
  uint64_t next_seq_ = 1;
  // Compare-and-swap versions, kept by this process alone: every change read from the log or
  // written takes the next number of `clock_` (the key's entry keeps it as its stamp); an absent
  // key's version is the number of the latest delete. A reload renumbers everything, so a swap
  // prepared before another process compacted the log fails once and is retried.
  uint64_t clock_ = 0;
  uint64_t last_delete_ = 0;
  LogState state_;  // what the index knows of the file (log_state.h)
  // An obligation besides the state: a compaction's rename is not known to be durable yet, so the
  // next change must sync the directory before it is promised.
  bool dir_sync_pending_ = false;
};

namespace {

uint64_t Fnv1a(std::string_view s, uint64_t basis) {
  uint64_t h = basis;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ull;
  return h;
}

}  // namespace

// ---- store ----

std::string FileStore::LogFileName(std::string_view name) {
  constexpr size_t kMaxHexName = 100;
  if (name.size() <= kMaxHexName) return "b-" + util::Hex(name) + ".log";
  uint64_t a = Fnv1a(name, 0xcbf29ce484222325ull), b = Fnv1a(name, 0x84222325cbf29ce4ull);
  std::string raw(16, '\0');
  for (int i = 0; i < 8; ++i) raw[i] = static_cast<char>(a >> (8 * i));
  for (int i = 0; i < 8; ++i) raw[8 + i] = static_cast<char>(b >> (8 * i));
  return "h-" + util::Hex(raw) + ".log";
}

util::Result<std::unique_ptr<FileStore>> FileStore::Open(FileSystem* fs, FileStoreOptions options) {
  if (options.dir.empty()) return util::InvalidArgument("the file store needs a directory");
  util::Status made = fs->CreateDir(options.dir);
  if (!made.ok()) return MissingIsIOError(std::move(made).WithContext("opening the file store"));
  return std::unique_ptr<FileStore>(new FileStore(fs, std::move(options)));
}

util::Result<std::unique_ptr<StoreBackend>> OpenFileStore(FileStoreOptions options) {
  ASSIGN_OR_RETURN(auto store, FileStore::Open(PosixFileSystem(), std::move(options)));
  return std::unique_ptr<StoreBackend>(std::move(store));
}

util::Result<std::shared_ptr<BucketBackend>> FileStore::OpenBucket(std::string_view name) {
  auto it = buckets_.find(name);
  if (it != buckets_.end()) return std::shared_ptr<BucketBackend>(it->second);
  std::string path = state_->options().dir + "/" + LogFileName(name);
  auto bucket = std::make_shared<FileBucket>(state_, std::string(name), std::move(path));
  ASSIGN_OR_RETURN(DirLock::Guard held, state_->lock().Acquire());
  RETURN_IF_ERROR(bucket->Load(held));
  buckets_.emplace(std::string(name), bucket);
  return std::shared_ptr<BucketBackend>(bucket);
}

// ---- bucket: loading and catching up ----

void FileBucket::Reset() {
  index_.Clear();
  seqs_.clear();
  live_bytes_ = 0;
}

void FileBucket::Apply(const ScannedChange& c) {
  if (!c.put) {
    live_bytes_ -= index_.Erase(c.key);
    last_delete_ = ++clock_;
    MaybeCompactIndex();
    return;
  }
  const size_t entries = index_.entries().size();
  live_bytes_ -= index_.Put(c.key, c.value_offset, c.value_len, c.bytes, ++clock_);
  live_bytes_ += c.bytes;
  if (index_.entries().size() != entries) seqs_.push_back(next_seq_++);
}

void FileBucket::CarryOverSeqs(const KeyIndex& before, const std::vector<uint64_t>& before_seqs) {
  // Numbered after the whole read, live keys only, in their order now: a log replayed with its
  // history holds earlier places of keys deleted and added again, which must not take the number.
  if (index_.dead() > 0) index_.Compact([](size_t, size_t) {});
  seqs_.resize(index_.entries().size());
  uint64_t last = 0;
  for (size_t i = 0; i < index_.entries().size(); ++i) {
    size_t was = before.Find(index_.KeyOf(index_.entries()[i]));
    // Where the order changed (a key deleted and added again elsewhere since), a new number:
    // to a walk that key is new.
    seqs_[i] = was != KeyIndex::kNone && before_seqs[was] > last ? before_seqs[was] : next_seq_++;
    last = seqs_[i];
  }
}

void FileBucket::MaybeCompactIndex() {
  constexpr size_t kMinDead = 1024;
  if (index_.dead() < kMinDead || index_.dead() < index_.live()) return;
  index_.Compact([this](size_t from, size_t to) { seqs_[to] = seqs_[from]; });
  seqs_.resize(index_.entries().size());
}

util::Status FileBucket::Load(const DirLock::Guard& held) {
  FileSystem* fs = store_->fs();
  (void)fs->Remove(path_ + ".compact");  // left by a compaction that crashed before its rename
  bool exists = fs->Exists(path_);
  auto file = fs->Open(path_, true);
  if (!file.ok()) return Fail(std::move(file).take_status());
  file_ = std::move(file).value();
  if (!exists) RETURN_IF_ERROR(Fail(fs->SyncDir(store_->options().dir)));
  return Reload(&held);
}

util::Status FileBucket::Reload(const DirLock::Guard* held) {
  // Open the path afresh: another process may have renamed a compacted log over it.
  auto file = store_->fs()->Open(path_, false);
  if (!file.ok()) return Fail(std::move(file).take_status());
  file_ = std::move(file).value();
  state_.Unread();  // until the whole file is read: a failure here makes the next catch-up reload
  ASSIGN_OR_RETURN(uint64_t id, file_->Id());
  ASSIGN_OR_RETURN(uint64_t size, file_->Size());
  // The index from before, to carry the keys' sequence numbers over; kept as it is should this
  // read fail, for the next one.
  KeyIndex before = std::move(index_);
  std::vector<uint64_t> before_seqs = std::move(seqs_);
  Reset();
  auto scanned = ScanFile(size, held);
  if (!scanned.ok()) {
    index_ = std::move(before);
    seqs_ = std::move(before_seqs);
    return scanned.status();
  }
  ScanResult scan = std::move(scanned).value();
  last_delete_ = ++clock_;  // keys absent now may have been deleted in what was compacted away
  CarryOverSeqs(before, before_seqs);
  index_.Shrink();
  seqs_.shrink_to_fit();
  header_bytes_ = EncodeHeader(name_).size();
  file_id_ = id;
  end_ = scan.valid_end;
  size_ = size;
  if (scan.torn_bytes > 0 || size == 0) {
    state_.ReadToTornWrite();
    if (held == nullptr) return util::Status::Ok();  // a writer may be mid-write; it repairs its own
    return RepairTail(scan.valid_end, size);
  }
  state_.ReadWhole();
  return util::Status::Ok();
}

util::Result<ScanResult> FileBucket::ScanFile(uint64_t size, const DirLock::Guard* held) {
  // The log is read a window at a time, so that opening it needs memory for the index, not for
  // the values (which stay on disk). A window grows only to hold a record larger than it.
  constexpr uint64_t kWindow = 1 << 20;
  auto apply = [this](const ScannedChange& c) { Apply(c); };
  std::vector<uint8_t> window(std::min(size, std::max(kWindow, HeaderSize(name_))));
  RETURN_IF_ERROR(Fail(file_->ReadAt(0, window)));
  ASSIGN_OR_RETURN(uint64_t pos, ScanHeader(window, size, path_, name_));
  if (pos == 0) {
    ScanResult unfinished{};
    unfinished.torn_bytes = size;
    return unfinished;
  }
  uint64_t window_at = 0;
  for (;;) {
    const std::span<const uint8_t> rest = std::span<const uint8_t>(window).subspan(pos - window_at);
    ASSIGN_OR_RETURN(ScanResult part, ScanRecords(rest, pos, path_, apply, End::kWindow));
    pos = part.valid_end;
    if (pos == size) return part;
    // The record at `pos` is not whole in the window. If the file holds it whole, read a window
    // from there that fits it; else what remains (a torn write, zeros written ahead, or damage)
    // is judged from all of it.
    uint64_t want = kWindow;
    if (size - pos >= kRecordHeaderSize) {
      uint8_t head[kRecordHeaderSize];
      RETURN_IF_ERROR(Fail(file_->ReadAt(pos, head)));
      const uint32_t length = StatedLength(head);
      if (length <= kMaxRecordPayload) want = std::max<uint64_t>(want, kRecordHeaderSize + length);
    }
    const bool in_window = pos < window_at + window.size();
    if (pos + want > size || (in_window && want <= window_at + window.size() - pos)) {
      // Not a record that merely crossed the window's end: judge the rest of the file whole.
      window.resize(size - pos);
      RETURN_IF_ERROR(Fail(file_->ReadAt(pos, window)));
      return ScanRecords(window, pos, path_, apply, held != nullptr ? End::kJudged : End::kUnjudged);
    }
    window.resize(std::min(want, size - pos));
    RETURN_IF_ERROR(Fail(file_->ReadAt(pos, window)));
    window_at = pos;
  }
}

util::Status FileBucket::RepairTail(uint64_t valid_end, uint64_t file_size) {
  FileSystem* fs = store_->fs();
  if (file_size > valid_end) {
    // Keep the discarded bytes beside the log: a torn write holds nothing acknowledged, but
    // nothing is thrown away on a judgement call.
    std::vector<uint8_t> torn(file_size - valid_end);
    RETURN_IF_ERROR(Fail(file_->ReadAt(valid_end, torn)));
    // `<log>.torn-<offset>`, or `...-2`, `-3` when an earlier tear at the same offset was kept.
    std::string side = path_ + ".torn-" + std::to_string(valid_end);
    util::Status saved = fs->CreateExclusive(side, torn);
    for (int n = 2; !saved.ok() && saved.code() == util::Code::kAlreadyExists && n < 1000; ++n) {
      side = path_ + ".torn-" + std::to_string(valid_end) + "-" + std::to_string(n);
      saved = fs->CreateExclusive(side, torn);
    }
    if (!saved.ok()) return Fail(std::move(saved));
    {  // durable before the log loses those bytes
      auto kept = fs->Open(side, false);
      if (!kept.ok()) return Fail(std::move(kept).take_status());
      RETURN_IF_ERROR(Fail((*kept)->Sync()));
      RETURN_IF_ERROR(Fail(fs->SyncDir(store_->options().dir)));
    }
    RETURN_IF_ERROR(Fail(file_->Truncate(valid_end)));
    size_ = valid_end;
  }
  if (valid_end == 0) {  // the header itself never made it to disk
    RETURN_IF_ERROR(Fail(file_->WriteAt(0, EncodeHeader(name_))));
    valid_end = header_bytes_;
  }
  RETURN_IF_ERROR(Fail(file_->Sync()));
  end_ = valid_end;
  size_ = std::max(size_, end_);
  state_.Repaired();
  return util::Status::Ok();
}

util::Status FileBucket::Refresh(const DirLock::Guard* held) {
  if (state_.broken()) return state_.failure();
  DirLock& lock = store_->lock();
  if (lock.KeptSince(state_.epoch())) return util::Status::Ok();  // nobody else wrote since
  // Only this thread takes the lock; the keeper thread may move the epoch meanwhile (when it finds
  // the lock taken from it), which only makes the next KeptSince fail.
  const uint64_t epoch = lock.epoch();
  RETURN_IF_ERROR(CatchUp(held));
  state_.KeptAt(epoch);
  return util::Status::Ok();
}

util::Status FileBucket::CatchUp(const DirLock::Guard* held) {
  auto id = store_->fs()->FileId(path_);
  if (!id.ok()) return Fail(std::move(id).take_status());
  ASSIGN_OR_RETURN(uint64_t size, file_->Size());
  // Compacted or repaired elsewhere, or never read whole: read it from the start.
  if (state_.kind() == LogState::Kind::kUnread || *id != file_id_ || size < end_ ||
      end_ < header_bytes_) {
    return Reload(held);
  }
  const bool was_torn = state_.kind() == LogState::Kind::kTorn;
  state_.Unread();  // until this catch-up has read all that was appended
  size_ = size;
  if (size == end_) {
    state_.ReadWhole();
    return util::Status::Ok();
  }
  if (size - end_ >= kRecordHeaderSize && !was_torn) {
    // Zeros where the next record would start: preallocated space, nothing new. (Not after a
    // torn write: its bytes may start with zeros and must be repaired.)
    uint8_t next[kRecordHeaderSize];
    RETURN_IF_ERROR(Fail(file_->ReadAt(end_, next)));
    if (std::all_of(std::begin(next), std::end(next), [](uint8_t b) { return b == 0; })) {
      state_.ReadWhole();
      return util::Status::Ok();
    }
  }
  // Read what others appended, not the space written ahead after it: a growing piece at a time,
  // until the records read are followed by zeros.
  const uint64_t rest = size - end_;
  uint64_t want = std::min<uint64_t>(rest, 64 << 10);
  std::vector<uint8_t> tail;
  for (;;) {
    tail.resize(want);
    RETURN_IF_ERROR(Fail(file_->ReadAt(end_, tail)));
    if (want == rest) break;
    auto probe = ScanRecords(tail, end_, path_, [](const ScannedChange&) {});
    if (probe.ok() && probe->zero_tail >= kRecordHeaderSize) break;
    want = std::min(rest, want * 4);
  }
  ASSIGN_OR_RETURN(ScanResult scan,
                   ScanRecords(tail, end_, path_, [this](const ScannedChange& c) { Apply(c); },
                               held != nullptr ? End::kJudged : End::kUnjudged));
  end_ = scan.valid_end;
  if (scan.torn_bytes > 0) {
    state_.ReadToTornWrite();
    return held != nullptr ? RepairTail(end_, size) : util::Status::Ok();
  }
  state_.ReadWhole();
  return util::Status::Ok();
}

// ---- bucket: writing ----

util::Status FileBucket::Write(const std::vector<uint8_t>& record) {
  ASSIGN_OR_RETURN(DirLock::Guard held, store_->lock().Acquire());
  RETURN_IF_ERROR(Refresh(&held));
  return WriteLocked(held, record);
}

util::Status FileBucket::WriteLocked(const DirLock::Guard&, const std::vector<uint8_t>& record) {
  // The end of the last record, which Refresh under the lock has read or repaired up to; any
  // bytes after it are zeros written ahead.
  uint64_t at = end_;
  const FileStoreOptions& options = store_->options();
  util::Status appended;
  appended = file_->WriteAt(at, record);
  if (appended.ok()) {
    size_ = std::max(size_, at + record.size());
    if (options.sync == SyncPolicy::kAlways && options.preallocate_bytes > 0 &&
        at + record.size() >= size_) {
      // At the end of the space written ahead: write the next stretch of zeros (the sync below
      // makes both durable). Without room for them the record still stands; cut off what part
      // of the zeros was written.
      std::vector<uint8_t> zeros(options.preallocate_bytes, 0);
      if (file_->WriteAt(at + record.size(), zeros).ok()) {
        size_ = at + record.size() + zeros.size();
      } else {
        (void)file_->Truncate(at + record.size());
      }
    }
  }
  if (!appended.ok()) {
    // Cut off whatever part of the record reached the file; if even that fails, stop writing.
    if (!file_->Truncate(at).ok()) state_.Break(Fail(appended));
    size_ = at;
    return Fail(std::move(appended));
  }
  if (options.sync == SyncPolicy::kAlways) {
    util::Status synced = file_->Sync();
    if (!synced.ok()) {
      // After a failed sync the kernel may have dropped the pages: nothing is certain any more.
      state_.Break(
          Fail(util::IOError("a sync failed; reopen the store to continue: " + synced.message())));
      return state_.failure();
    }
  }
  if (dir_sync_pending_) {
    // The log was renamed into place by a compaction whose directory sync failed: until the
    // rename is durable, no change on the new log can be promised to survive a crash.
    util::Status dir = store_->fs()->SyncDir(store_->options().dir);
    if (!dir.ok()) return Fail(std::move(dir));
    dir_sync_pending_ = false;
  }
  auto scan = ScanRecords(record, at, path_, [this](const ScannedChange& c) { Apply(c); });
  if (!scan.ok()) return scan.status();
  end_ = at + record.size();
  // The change is durable; a compaction that fails leaves the log as it was and is retried later.
  (void)MaybeCompact();
  return util::Status::Ok();
}

util::Status FileBucket::MaybeCompact() {
  uint64_t dead = end_ - header_bytes_ - live_bytes_;
  if (dead <= live_bytes_ || dead < store_->options().compact_min_dead_bytes) {
    return util::Status::Ok();
  }
  FileSystem* fs = store_->fs();
  std::string tmp = path_ + ".compact";
  (void)fs->Remove(tmp);
  auto out = fs->Open(tmp, true);
  if (!out.ok()) return out.status();
  std::vector<uint8_t> buffer = EncodeHeader(name_);
  uint64_t written = 0;
  std::vector<std::pair<size_t, uint64_t>> moved;  // new value offsets, applied after the rename
  moved.reserve(index_.live());
  for (size_t i = 0; i < index_.entries().size(); ++i) {
    const KeyIndex::Entry& e = index_.entries()[i];
    if (!e.live) continue;
    ASSIGN_OR_RETURN(Bytes value, ReadValue(e));
    std::string_view key = index_.KeyOf(e);
    uint64_t record_at = written + buffer.size();
    AppendPut(buffer, key, value);
    moved.emplace_back(i, record_at + kRecordHeaderSize + 4 + key.size());
    if (buffer.size() >= (1 << 20)) {
      RETURN_IF_ERROR((*out)->WriteAt(written, buffer));
      written += buffer.size();
      buffer.clear();
    }
  }
  RETURN_IF_ERROR((*out)->WriteAt(written, buffer));
  written += buffer.size();
  RETURN_IF_ERROR((*out)->Sync());
  RETURN_IF_ERROR(Fail(fs->Rename(tmp, path_)));
  // From here the new log is in place (or, if the directory sync is lost, the old one, which is
  // just as complete): either way every change is there. Later changes need the rename durable.
  dir_sync_pending_ = !fs->SyncDir(store_->options().dir).ok();
  file_ = std::move(out).value();
  ASSIGN_OR_RETURN(file_id_, file_->Id());
  // Each live key is now one PUT record.
  live_bytes_ = 0;
  for (auto& [i, offset] : moved) {
    KeyIndex::Entry& e = index_.entry(i);
    e.value_offset = offset;
    e.bytes = static_cast<uint32_t>(kRecordHeaderSize + 4 + e.key_len + e.value_len);
    live_bytes_ += e.bytes;
  }
  // The deleted keys are gone from the log: from the index too (their sequence numbers with them).
  if (index_.dead() > 0) {
    index_.Compact([this](size_t from, size_t to) { seqs_[to] = seqs_[from]; });
    seqs_.resize(index_.entries().size());
  }
  end_ = written;
  size_ = written;
  return util::Status::Ok();
}

util::Result<Bytes> FileBucket::ReadValue(const KeyIndex::Entry& entry) {
  Bytes value(entry.value_len);
  RETURN_IF_ERROR(Fail(file_->ReadAt(entry.value_offset, value)));
  return value;
}

// ---- bucket: the operations ----

util::Result<std::optional<Bytes>> FileBucket::Get(std::string_view key) {
  RETURN_IF_ERROR(Refresh(nullptr));
  size_t i = index_.Find(key);
  if (i == KeyIndex::kNone) return std::optional<Bytes>();
  ASSIGN_OR_RETURN(Bytes value, ReadValue(index_.entries()[i]));
  return std::optional<Bytes>(std::move(value));
}

util::Result<bool> FileBucket::GetInto(std::string_view key, ValueSink& sink) {
  RETURN_IF_ERROR(Refresh(nullptr));
  size_t i = index_.Find(key);
  if (i == KeyIndex::kNone) return false;
  const KeyIndex::Entry& e = index_.entries()[i];
  ASSIGN_OR_RETURN(uint8_t * out, Reserve(sink, e.value_len));
  RETURN_IF_ERROR(Fail(file_->ReadAt(e.value_offset, {out, e.value_len})));
  return true;
}

util::Status FileBucket::Set(std::string_view key, ByteView value) {
  std::vector<uint8_t> record;
  AppendPut(record, key, value);
  return Write(record);
}

util::Status FileBucket::Delete(std::string_view key) {
  RETURN_IF_ERROR(Refresh(nullptr));
  if (index_.Find(key) == KeyIndex::kNone) {
    // Another process may have set it meanwhile: deciding needs the lock.
    ASSIGN_OR_RETURN(DirLock::Guard held, store_->lock().Acquire());
    RETURN_IF_ERROR(Refresh(&held));
    if (index_.Find(key) == KeyIndex::kNone) return util::Status::Ok();
  }
  std::vector<uint8_t> record;
  AppendDelete(record, key);
  return Write(record);
}

util::Result<bool> FileBucket::Exists(std::string_view key) {
  RETURN_IF_ERROR(Refresh(nullptr));
  return index_.Find(key) != KeyIndex::kNone;
}

util::Result<KeyPage> FileBucket::ListKeys(std::optional<uint64_t> cursor, const Limits& limits) {
  RETURN_IF_ERROR(Refresh(nullptr));
  KeyPage page;
  size_t next;
  const size_t start = static_cast<size_t>(
      std::lower_bound(seqs_.begin(), seqs_.end(), cursor.value_or(0)) - seqs_.begin());
  page.keys = index_.Page(start, limits.list_page_keys, limits.list_page_bytes, &next);
  if (next < seqs_.size()) page.cursor = seqs_[next];
  return page;
}

util::Result<CounterValue> FileBucket::Increment(std::string_view key, CounterValue delta,
                                                 CounterRange range) {
  // Read, add and write under one lock, so that increments from several processes all count.
  ASSIGN_OR_RETURN(DirLock::Guard held, store_->lock().Acquire());
  RETURN_IF_ERROR(Refresh(&held));
  CounterValue current = 0;
  if (size_t i = index_.Find(key); i != KeyIndex::kNone) {
    ASSIGN_OR_RETURN(Bytes stored, ReadValue(index_.entries()[i]));
    ASSIGN_OR_RETURN(current, ParseCounter(key, stored));
  }
  ASSIGN_OR_RETURN(CounterValue sum, AddToCounter(key, current, delta, range));
  std::vector<uint8_t> record;
  AppendPut(record, key, AsBytes(FormatCounter(sum)));
  RETURN_IF_ERROR(WriteLocked(held, record));
  return sum;
}


util::Result<VersionedValue> FileBucket::ReadVersioned(std::string_view key) {
  RETURN_IF_ERROR(Refresh(nullptr));
  return VersionedNow(key);
}

util::Result<VersionedValue> FileBucket::VersionedNow(std::string_view key) {
  VersionedValue out;
  if (size_t i = index_.Find(key); i != KeyIndex::kNone) {
    ASSIGN_OR_RETURN(Bytes value, ReadValue(index_.entries()[i]));
    out.value = std::move(value);
  }
  out.version = index_.VersionOf(key, last_delete_);
  return out;
}

util::Result<std::optional<VersionedValue>> FileBucket::WriteIfVersion(
    std::string_view key, ByteView value, std::string_view version) {
  // Compare and write under one lock, after reading what other processes wrote.
  ASSIGN_OR_RETURN(DirLock::Guard held, store_->lock().Acquire());
  RETURN_IF_ERROR(Refresh(&held));
  if (index_.VersionOf(key, last_delete_) != version) {
    ASSIGN_OR_RETURN(VersionedValue now, VersionedNow(key));
    return std::optional<VersionedValue>(std::move(now));
  }
  std::vector<uint8_t> record;
  AppendPut(record, key, value);
  RETURN_IF_ERROR(WriteLocked(held, record));
  return std::optional<VersionedValue>();
}

util::Result<std::vector<std::optional<Bytes>>> FileBucket::GetMany(
    std::span<const std::string_view> keys) {
  RETURN_IF_ERROR(Refresh(nullptr));
  std::vector<std::optional<Bytes>> values;
  values.reserve(keys.size());
  for (std::string_view key : keys) {
    size_t i = index_.Find(key);
    if (i == KeyIndex::kNone) {
      values.emplace_back();
    } else {
      ASSIGN_OR_RETURN(Bytes value, ReadValue(index_.entries()[i]));
      values.emplace_back(std::move(value));
    }
  }
  return values;
}

util::Status FileBucket::SetMany(std::span<const KeyValueView> pairs) {
  if (pairs.empty()) return util::Status::Ok();
  std::vector<Change> changes;
  changes.reserve(pairs.size());
  for (const KeyValueView& p : pairs) changes.push_back({true, p.key, p.value});
  std::vector<uint8_t> record;
  AppendBatch(record, changes);
  return Write(record);
}

util::Status FileBucket::DeleteMany(std::span<const std::string_view> keys) {
  if (keys.empty()) return util::Status::Ok();
  std::vector<Change> changes;
  changes.reserve(keys.size());
  for (std::string_view k : keys) changes.push_back({false, k, {}});
  std::vector<uint8_t> record;
  AppendBatch(record, changes);
  return Write(record);
}

}  // namespace kv::file
