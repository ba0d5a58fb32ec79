#include "backends/file/fault_file_system.h"

#include <algorithm>

namespace kv::file {
namespace {

util::Status Crashed() { return util::IOError("simulated crash: the machine is down"); }

class MemFile final : public File {
 public:
  MemFile(FaultFileSystem* fs, std::shared_ptr<FaultFileSystem::Node> node)
      : fs_(fs), node_(std::move(node)) {}

  util::Status WriteAt(uint64_t offset, std::span<const uint8_t> data) override {
    RETURN_IF_ERROR(fs_->Step());
    if (data.size() > fs_->largest_write()) return util::IOError("no space left on the device");
    if (offset > node_->data.size()) return util::IOError("write past the end");
    if (offset + data.size() > node_->data.size()) node_->data.resize(offset + data.size());
    std::copy(data.begin(), data.end(), node_->data.begin() + static_cast<std::ptrdiff_t>(offset));
    fs_->NoteWrite(node_);
    return util::Status::Ok();
  }
  util::Status Sync() override {
    RETURN_IF_ERROR(fs_->Step());
    node_->durable = node_->data;
    return util::Status::Ok();
  }
  util::Status ReadAt(uint64_t offset, std::span<uint8_t> out) override {
    RETURN_IF_ERROR(fs_->Alive());
    if (offset + out.size() > node_->data.size()) return util::IOError("read past the end");
    fs_->CountRead(out.size());
    std::copy_n(node_->data.begin() + static_cast<std::ptrdiff_t>(offset), out.size(), out.begin());
    return util::Status::Ok();
  }
  util::Result<uint64_t> Size() override {
    RETURN_IF_ERROR(fs_->Alive());
    return node_->data.size();
  }
  util::Status Truncate(uint64_t size) override {
    RETURN_IF_ERROR(fs_->Step());
    node_->data.resize(std::min<uint64_t>(size, node_->data.size()));
    return util::Status::Ok();
  }
  util::Result<uint64_t> Id() override { return node_->id; }

 private:
  FaultFileSystem* fs_;
  std::shared_ptr<FaultFileSystem::Node> node_;
};

}  // namespace

util::Status FaultFileSystem::Alive() const {
  return budget_ == 0 ? Crashed() : util::Status::Ok();
}

util::Status FaultFileSystem::Step() {
  if (budget_ == 0) return Crashed();
  if (budget_ > 0) --budget_;
  ++operations_;
  return util::Status::Ok();
}

void FaultFileSystem::Reboot(size_t torn_bytes) {
  entries_ = durable_entries_;
  for (auto& [path, node] : entries_) {
    std::vector<uint8_t> kept = node->durable;
    if (node == last_written_) {
      // The last write reached the disk only in part: up to `torn_bytes` of it, from the first
      // byte it changed (past the end, for an append; inside the file, for a write over
      // preallocated zeros).
      size_t first = 0;
      while (first < kept.size() && first < node->data.size() && kept[first] == node->data[first]) {
        ++first;
      }
      if (first < node->data.size()) {
        size_t extra = std::min(torn_bytes, node->data.size() - first);
        if (kept.size() < first + extra) kept.resize(first + extra);
        std::copy_n(node->data.begin() + static_cast<std::ptrdiff_t>(first), extra,
                    kept.begin() + static_cast<std::ptrdiff_t>(first));
      }
    }
    node->data = kept;
    node->durable = kept;
  }
  last_written_.reset();
  budget_ = -1;
}

std::vector<uint8_t>* FaultFileSystem::Bytes(const std::string& path) {
  auto it = entries_.find(path);
  return it == entries_.end() ? nullptr : &it->second->data;
}

util::Status FaultFileSystem::Denied(const std::string& path) {
  return util::IOError("creating " + util::Quoted(path, util::kWhole) + ": Permission denied");
}

util::Result<std::unique_ptr<File>> FaultFileSystem::Open(const std::string& path, bool create) {
  RETURN_IF_ERROR(Alive());
  auto it = entries_.find(path);
  if (it == entries_.end()) {
    if (!create) return util::NotFound("no file " + util::Quoted(path, util::kWhole));
    if (deny_creates_) return Denied(path);
    RETURN_IF_ERROR(Step());
    it = entries_.emplace(path, std::make_shared<Node>(Node{{}, {}, next_id_++})).first;
  }
  return std::unique_ptr<File>(new MemFile(this, it->second));
}

util::Status FaultFileSystem::CreateExclusive(const std::string& path,
                                              std::span<const uint8_t> contents) {
  RETURN_IF_ERROR(Alive());
  if (entries_.contains(path)) return util::Status(util::Code::kAlreadyExists, "exists");
  if (deny_creates_) return Denied(path);
  RETURN_IF_ERROR(Step());
  std::vector<uint8_t> bytes(contents.begin(), contents.end());
  entries_[path] = std::make_shared<Node>(Node{bytes, bytes, next_id_++});
  return util::Status::Ok();
}

util::Result<std::vector<uint8_t>> FaultFileSystem::ReadAll(const std::string& path) {
  RETURN_IF_ERROR(Alive());
  auto it = entries_.find(path);
  if (it == entries_.end()) return util::NotFound("no file " + util::Quoted(path, util::kWhole));
  return it->second->data;
}

util::Status FaultFileSystem::Rename(const std::string& from, const std::string& to) {
  RETURN_IF_ERROR(Step());
  auto it = entries_.find(from);
  if (it == entries_.end()) return util::NotFound("no file " + util::Quoted(from, util::kWhole));
  entries_[to] = it->second;
  entries_.erase(from);
  return util::Status::Ok();
}

util::Status FaultFileSystem::Remove(const std::string& path) {
  RETURN_IF_ERROR(Alive());
  if (!entries_.contains(path)) return util::Status::Ok();
  RETURN_IF_ERROR(Step());
  entries_.erase(path);
  return util::Status::Ok();
}

bool FaultFileSystem::Exists(const std::string& path) {
  return budget_ != 0 && entries_.contains(path);
}

util::Result<uint64_t> FaultFileSystem::FileId(const std::string& path) {
  RETURN_IF_ERROR(Alive());
  auto it = entries_.find(path);
  if (it == entries_.end()) return util::NotFound("no file " + util::Quoted(path, util::kWhole));
  return it->second->id;
}

util::Result<std::vector<std::string>> FaultFileSystem::List(const std::string& dir) {
  RETURN_IF_ERROR(Alive());
  std::vector<std::string> names;
  for (const auto& [path, node] : entries_) {
    if (path.starts_with(dir + "/")) names.push_back(path.substr(dir.size() + 1));
  }
  return names;
}

util::Status FaultFileSystem::CreateDir(const std::string&) { return Alive(); }

util::Status FaultFileSystem::SyncDir(const std::string&) {
  RETURN_IF_ERROR(Step());
  durable_entries_ = entries_;
  return util::Status::Ok();
}

void FaultFileSystem::Random(std::span<uint8_t> out) {
  for (uint8_t& b : out) {  // xorshift: repeatable runs
    random_state_ ^= random_state_ << 13, random_state_ ^= random_state_ >> 7;
    random_state_ ^= random_state_ << 17;
    b = static_cast<uint8_t>(random_state_);
  }
}

}  // namespace kv::file
