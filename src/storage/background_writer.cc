#include "storage/background_writer.h"

#include <algorithm>

namespace stedi {

BackgroundWriter::BackgroundWriter(FileSystem& fs, size_t threads, uint64_t max_queued_bytes)
    : fs_(fs), max_queued_bytes_(max_queued_bytes) {
  for (size_t i = 0; i < std::max<size_t>(threads, 1); ++i) {
    threads_.emplace_back(&BackgroundWriter::Loop, this);
  }
}

BackgroundWriter::~BackgroundWriter() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  for (std::thread& t : threads_) t.join();
}

void BackgroundWriter::Write(std::string path, std::string_view bytes,
                             std::shared_ptr<const void> owner, SyncMode mode,
                             WriteCaching caching) {
  std::unique_lock<std::mutex> lock(mutex_);
  // An empty queue always takes the item, so a file above the limit cannot wait forever.
  changed_.wait(lock, [&] {
    return queued_bytes_ == 0 || queued_bytes_ + bytes.size() <= max_queued_bytes_;
  });
  if (!first_error_.ok()) return;
  queued_bytes_ += bytes.size();
  queue_.push_back(Item{std::move(path), bytes, std::move(owner), mode, caching});
  lock.unlock();
  changed_.notify_all();
}

Status BackgroundWriter::Finish() {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [&] { return queue_.empty() && writing_ == 0; });
  return first_error_;
}

void BackgroundWriter::Loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    // Drains the queue before stopping: a destroyed writer still writes what it accepted.
    changed_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;
    Item item = std::move(queue_.front());
    queue_.pop_front();
    ++writing_;
    const bool skip = !first_error_.ok();
    lock.unlock();
    Status status = skip ? Status::OK() : WriteOne(item);
    const uint64_t size = item.bytes.size();
    item.owner.reset();  // frees the bytes outside the lock
    lock.lock();
    if (!status.ok() && first_error_.ok()) first_error_ = std::move(status);
    queued_bytes_ -= size;
    --writing_;
    changed_.notify_all();
  }
}

Status BackgroundWriter::WriteOne(const Item& item) {
  STEDI_ASSIGN_OR_RETURN(auto file, fs_.OpenForWrite(item.path, item.mode, item.caching));
  STEDI_RETURN_NOT_OK(file->Append(item.bytes));
  return file->Close();
}

}  // namespace stedi
