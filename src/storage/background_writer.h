#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "storage/file_system.h"

namespace stedi {

/// Writes whole files on threads of its own, so that a caller whose next step does not need the
/// file written (ingest parsing the bytes it is also copying) keeps its thread busy instead of
/// waiting on the disk. Memory stays bounded: Write blocks while the queued bytes exceed a limit.
/// Thread-safe.
class BackgroundWriter {
 public:
  /// THREADS writers into FS; at most MAX_QUEUED_BYTES wait at once (a larger file still goes,
  /// alone).
  BackgroundWriter(FileSystem& fs, size_t threads, uint64_t max_queued_bytes);
  /// Waits for the queued writes (their outcome is lost unless Finish was called).
  ~BackgroundWriter();
  BackgroundWriter(const BackgroundWriter&) = delete;
  BackgroundWriter& operator=(const BackgroundWriter&) = delete;

  /// Queues BYTES to be written as the whole file PATH (OpenForWrite + Append + Close). OWNER
  /// keeps the bytes alive until then. After a failure, later writes are dropped.
  void Write(std::string path, std::string_view bytes, std::shared_ptr<const void> owner,
             SyncMode mode, WriteCaching caching);

  /// Waits until every queued file is written; returns the first failure (naming its file).
  Status Finish();

 private:
  struct Item {
    std::string path;
    std::string_view bytes;
    std::shared_ptr<const void> owner;
    SyncMode mode;
    WriteCaching caching;
  };

  void Loop();
  Status WriteOne(const Item& item);

  FileSystem& fs_;
  const uint64_t max_queued_bytes_;
  std::mutex mutex_;
  std::condition_variable changed_;  // an item was queued or finished, or stopping
  std::deque<Item> queue_;
  uint64_t queued_bytes_ = 0;  // in the queue or being written
  size_t writing_ = 0;
  bool stopping_ = false;
  Status first_error_;
  std::vector<std::thread> threads_;
};

}  // namespace stedi
