#include "ingest/ingest_job.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <unordered_map>

#include "catalog/catalog.h"
#include "columnar/batch.h"
#include "concurrency/thread_pool.h"
#include "formats/iceberg/parquet_metrics.h"
#include "formats/json/landing_json_reader.h"
#include "formats/parquet/file_writer.h"
#include "ingest/landing_sources.h"
#include "storage/aligned_buffer.h"
#include "storage/aligned_buffer_pool.h"
#include "storage/background_writer.h"
#include "storage/checksum.h"
#include "storage/lake_layout.h"
#include "storage/sha256_pair.h"

namespace stedi {
namespace {

// One raw file found in the source folder.
struct FileTask {
  size_t source_index;
  std::string name;   // relative to the source's landing folder
  std::string path;   // absolute
  uint64_t size = 0;  // as listed
};

// What processing one file produced; merged into the commit afterwards.
struct FileOutcome {
  bool skipped = false;  // already ingested with the same checksum
  std::string error;     // set when the file cannot be ingested at all
  SourceFile source_file;
  std::vector<json::QuarantinedFragment> fragments;
  json::LandingFileStats stats;
  bool split = false;  // parsed in ranges
};

// Files up to this size are read once into memory, then hashed, copied and parsed from there;
// larger ones are streamed in bounded chunks.
constexpr uint64_t kWholeFileBytes = 64 << 20;
// Raw copies of files read whole are written by this many threads of their own, with at most
// this many bytes waiting: they mostly wait on the disk, and workers should not.
constexpr size_t kRawCopyThreads = 2;
constexpr uint64_t kRawCopyQueueBytes = 8 << 20;
// Buffers of files read whole kept for the next files: enough for each worker's pair of
// landing files of a few MiB and the raw copies queued behind them.
constexpr size_t kIdleReadBufferBytes = 32 << 20;
// A worker starts a new data file after this many rows, so files stay a manageable size.
constexpr int64_t kRowsPerDataFile = 8 << 20;

// Returns a name unique to this ingest, so data files of concurrent or crashed runs never collide.
std::string NewRunId() {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%S", &tm);
  std::random_device rd;
  char suffix[16];
  std::snprintf(suffix, sizeof(suffix), "%08x", rd());
  return std::string(stamp) + "-" + suffix;
}

bool LooksLikeLandingFile(std::string_view name) {
  std::string_view base = BaseName(name);
  return !base.empty() && base.front() != '.' && base.find(".tmp-") == std::string_view::npos;
}

Result<std::vector<FileTask>> DiscoverFiles(FileSystem& fs, const std::string& source_dir) {
  std::vector<FileTask> tasks;
  bool any_folder = false;
  const auto& sources = LandingSources();
  for (size_t s = 0; s < sources.size(); ++s) {
    std::string folder = JoinPath(JoinPath(source_dir, sources[s].name), "landing");
    auto listed = fs.ListRecursive(folder);
    if (!listed.ok()) {
      if (listed.status().IsNotFound()) continue;
      return listed.status();
    }
    any_folder = true;
    for (const FileInfo& f : *listed) {
      std::string name = f.path.substr(folder.size() + 1);
      if (LooksLikeLandingFile(name)) tasks.push_back({s, std::move(name), f.path, f.size});
    }
  }
  if (!any_folder) {
    return Status::NotFound(source_dir +
                            ": no landing folder found (expected customer/landing, "
                            "accelerometer/landing or step_trainer/landing)");
  }
  return tasks;
}

// Returns SRC's SHA-256, read in bounded chunks; when PUBLISH, also copies it byte for byte to
// DST (a file only being checked is not copied).
Result<std::string> CopyAndHash(FileSystem& fs, const RandomAccessFile& src, const std::string& dst,
                                bool publish) {
  std::unique_ptr<WritableFile> out;
  if (publish) {
    STEDI_ASSIGN_OR_RETURN(out, fs.OpenForWrite(dst, SyncMode::kDeferred, WriteCaching::kUncached));
  }
  Sha256 hash;
  // Uninitialised and no larger than the file: zeroing a big buffer per small file costs more
  // than copying it. Aligned, and whole blocks per read, so the copy skips the page cache. Two
  // of them: one is written (a wait on the disk) while the next is read and hashed.
  const size_t capacity = std::clamp<uint64_t>(src.size(), 1, 4 << 20);
  AlignedBuffer buffers[2] = {AlignedBuffer(capacity), AlignedBuffer(out ? capacity : 0)};
  std::future<Status> written;  // declared after the buffers: its destructor waits for it
  uint64_t offset = 0;
  for (int k = 0; offset < src.size(); k ^= 1) {
    char* buffer = buffers[k].data();
    STEDI_ASSIGN_OR_RETURN(size_t n, src.ReadAt(offset, capacity, buffer));
    if (n == 0) return Status::IOError(src.path() + ": file shrank while being read");
    std::string_view chunk(buffer, n);
    hash.Update(chunk);
    offset += n;
    if (!out) continue;
    if (written.valid()) STEDI_RETURN_NOT_OK(written.get());
    written = std::async(std::launch::async, [&out, chunk] { return out->Append(chunk); });
  }
  if (written.valid()) STEDI_RETURN_NOT_OK(written.get());
  std::string digest = hash.Finish();
  if (out) STEDI_RETURN_NOT_OK(out->Close());
  return digest;
}

// How one file is processed: whole by one task, or (RANGES > 0) by one task that copies and
// hashes it plus one parse task per range.
struct FilePlan {
  uint64_t size = 0;    // when planned; the ranges are cut from this many bytes
  uint64_t ranges = 0;  // 0: not split
  std::string sha256;   // set by the copy task
  std::vector<FileOutcome> range_outcomes;
};

// One unit of work for ParallelForWorkers.
struct WorkItem {
  // kFilePair: two files read whole, hashed together (see Sha256Pair), then each parsed.
  enum class Kind { kWholeFile, kCopy, kRange, kFilePair };
  size_t file;
  Kind kind;
  uint64_t range = 0;  // kRange: which range; kFilePair: the second file
  uint64_t cost = 0;   // bytes it reads, to start the biggest work first
};

// Pairs small whole files into kFilePair items when there are enough of them that fewer, larger
// items still keep THREADS workers busy to the end (WORK is sorted biggest first; the last few
// stay single so the tail is as fine as before).
std::vector<WorkItem> PairSmallFiles(std::vector<WorkItem> work, size_t threads) {
  if (!Sha256PairIsInterleaved()) return work;
  size_t small = 0;
  for (const WorkItem& item : work) {
    small += item.kind == WorkItem::Kind::kWholeFile && item.cost <= kWholeFileBytes;
  }
  const size_t keep_single = 4 * threads;
  if (small < 2 * keep_single) return work;
  size_t to_pair = (small - keep_single) & ~size_t{1};
  std::vector<WorkItem> out;
  out.reserve(work.size());
  const WorkItem* waiting = nullptr;  // the first file of the next pair
  for (const WorkItem& item : work) {
    if (to_pair == 0 || item.kind != WorkItem::Kind::kWholeFile || item.cost > kWholeFileBytes) {
      out.push_back(item);
      continue;
    }
    --to_pair;
    if (waiting == nullptr) {
      waiting = &item;
      continue;
    }
    out.push_back({waiting->file, WorkItem::Kind::kFilePair, item.file, waiting->cost + item.cost});
    waiting = nullptr;
  }
  return out;
}

// Bytes [BEGIN, END) of FILE seen as a file of their own: a range is streamed through the
// reader like a whole file, so memory stays at the reader's chunk however long the range is.
class FileSlice final : public RandomAccessFile {
 public:
  FileSlice(const RandomAccessFile& file, uint64_t begin, uint64_t end)
      : file_(file), begin_(begin), end_(end) {}
  uint64_t size() const override { return end_ - begin_; }
  const std::string& path() const override { return file_.path(); }
  Result<size_t> ReadAt(uint64_t offset, size_t n, char* out) const override {
    if (offset >= size()) return size_t{0};
    return file_.ReadAt(begin_ + offset, std::min<uint64_t>(n, size() - offset), out);
  }

 private:
  const RandomAccessFile& file_;
  uint64_t begin_;
  uint64_t end_;
};

// Returns the first offset P in [FROM, LIMIT) where a line begins with '{' (byte P-1 is '\n',
// byte P is '{'), or LIMIT when there is none. The JSON reader always starts a new value
// there, so a file can be parsed in ranges cut at such points. FROM must be at least 1.
Result<uint64_t> NextLineObject(const RandomAccessFile& file, uint64_t from, uint64_t limit) {
  constexpr size_t kStep = 64 << 10;
  const uint64_t end = std::min(limit, file.size());  // candidates are below it
  auto block = std::make_unique_for_overwrite<char[]>(kStep);
  uint64_t at = from - 1;  // offset of block[0], the byte before the first candidate
  while (at + 1 < end) {
    const size_t n = std::min<uint64_t>(kStep, end - at);
    STEDI_ASSIGN_OR_RETURN(size_t got, file.ReadAt(at, n, block.get()));
    if (got != n) return Status::IOError(file.path() + ": file shrank while being read");
    const char* b = block.get();
    const char* last = b + n - 1;  // a '\n' here has its next byte in the next block
    for (auto* nl = static_cast<const char*>(std::memchr(b, '\n', n - 1)); nl != nullptr;
         nl = static_cast<const char*>(std::memchr(nl + 1, '\n', last - (nl + 1)))) {
      if (nl[1] == '{') return at + static_cast<uint64_t>(nl - b) + 1;
    }
    at += n - 1;
  }
  return limit;
}

// Adds the outcome of one range of a file to the file's outcome, as one read of the whole file
// would have counted it: fragments in file order (the caller adds ranges in order), counters
// summed, key sightings merged by name in first-seen order.
void AddRangeOutcome(FileOutcome&& part, FileOutcome* out,
                     std::unordered_map<std::string, size_t>* field_index) {
  for (json::QuarantinedFragment& f : part.fragments) out->fragments.push_back(std::move(f));
  json::LandingFileStats& total = out->stats;
  const json::LandingFileStats& stats = part.stats;
  total.bytes += stats.bytes;
  total.records += stats.records;
  total.fragments_quarantined += stats.fragments_quarantined;
  total.records_with_unconvertible_fields += stats.records_with_unconvertible_fields;
  total.unconvertible_fields += stats.unconvertible_fields;
  total.records_with_repaired_utf8 += stats.records_with_repaired_utf8;
  for (const json::FieldSighting& f : stats.fields) {
    auto [it, inserted] = field_index->try_emplace(f.name, total.fields.size());
    if (inserted) {
      total.fields.push_back(f);
      continue;
    }
    json::FieldSighting& t = total.fields[it->second];
    t.present += f.present;
    t.nulls += f.nulls;
    t.kinds |= f.kinds;
  }
}

// The data files one worker writes for one source: rows of many raw files go into the same
// Parquet file, so small landing files do not become small data files.
struct DataFileSink {
  std::unique_ptr<parquet::FileWriter> writer;
  std::shared_ptr<const Schema> schema;  // of the open writer
  std::string path;                      // relative to the lake root
  int64_t rows = 0;
  std::vector<DataFile> closed;
};

// The schema of one landing table while an ingest runs: workers that meet a new key at the
// same time must agree on its column (one id, one type), so additions go through here.
class TableSchema {
 public:
  void Reset(std::shared_ptr<const Schema> schema, int last_column_id) {
    std::lock_guard<std::mutex> lock(mutex_);
    schema_ = std::move(schema);
    last_id_ = last_column_id;
    for (const Field& f : schema_->fields()) last_id_ = std::max(last_id_, f.field_id);
  }

  std::shared_ptr<const Schema> Current() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return schema_;
  }

  // The column for KEY: the one another file already added, or a new one typed after KIND
  // (numbers as bigint or double, nested values kept as their JSON text). Ids are never
  // reused, as Iceberg requires.
  std::optional<Field> AddField(std::string_view key, json::JsonKind kind) {
    if (key.empty()) return std::nullopt;
    std::lock_guard<std::mutex> lock(mutex_);
    if (std::optional<size_t> at = schema_->FindField(key)) return schema_->field(*at);
    Field field{Lower(key), TypeId::kString, true, ++last_id_};
    switch (kind) {
      case json::JsonKind::kInteger:
        field.type = TypeId::kInt64;
        break;
      case json::JsonKind::kFloat:
        field.type = TypeId::kFloat64;
        break;
      case json::JsonKind::kBoolean:
        field.type = TypeId::kBoolean;
        break;
      default:
        field.type = TypeId::kString;
    }
    std::vector<Field> fields = schema_->fields();
    fields.push_back(field);
    schema_ = std::make_shared<const Schema>(std::move(fields));
    return field;
  }

 private:
  static std::string Lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
  }

  mutable std::mutex mutex_;
  std::shared_ptr<const Schema> schema_;
  int last_id_ = 0;
};

class IngestRun {
 public:
  IngestRun(FileSystem& fs, const IngestOptions& options, Catalog& catalog)
      : fs_(fs),
        options_(options),
        catalog_(catalog),
        layout_(options.lake_dir),
        run_id_(NewRunId()) {}

  Result<IngestReport> Run() {
    STEDI_ASSIGN_OR_RETURN(std::vector<FileTask> tasks, DiscoverFiles(fs_, options_.source_dir));
    const auto& sources = LandingSources();
    STEDI_RETURN_NOT_OK(LoadTableSchemas());
    // Read the catalog once up front: workers never touch it.
    for (const LandingSource& source : sources) {
      STEDI_ASSIGN_OR_RETURN(auto known, catalog_.ListSourceFiles(source.name));
      for (SourceFile& f : known) known_[{std::string(source.name), f.name}] = f.sha256;
    }
    std::vector<FileOutcome> outcomes(tasks.size());
    std::vector<FilePlan> plans(tasks.size());
    std::vector<WorkItem> work;
    for (size_t i = 0; i < tasks.size(); ++i) {
      STEDI_RETURN_NOT_OK(PlanFile(tasks[i], &plans[i]));
      if (plans[i].ranges == 0) {
        work.push_back({i, WorkItem::Kind::kWholeFile, 0, tasks[i].size});
        continue;
      }
      work.push_back({i, WorkItem::Kind::kCopy, 0, plans[i].size});
      for (uint64_t k = 0; k < plans[i].ranges; ++k) {
        const uint64_t begin = k * options_.range_bytes;
        work.push_back(
            {i, WorkItem::Kind::kRange, k, std::min(options_.range_bytes, plans[i].size - begin)});
      }
      plans[i].range_outcomes.resize(plans[i].ranges);
    }
    // Biggest work first (workers take items in order): a big file's copy and ranges start
    // early and small files fill the gaps at the end.
    std::stable_sort(work.begin(), work.end(),
                     [](const WorkItem& a, const WorkItem& b) { return a.cost > b.cost; });
    const size_t threads = std::max<size_t>(
        1, std::min(work.size(), options_.threads ? options_.threads : DefaultParallelism()));
    work = PairSmallFiles(std::move(work), threads);
    sinks_.resize(threads);
    for (auto& per_worker : sinks_) per_worker.resize(sources.size());
    raw_copier_.emplace(fs_, kRawCopyThreads, kRawCopyQueueBytes);
    STEDI_RETURN_NOT_OK(ParallelForWorkers(work.size(), threads, [&](size_t w, size_t worker) {
      const WorkItem& item = work[w];
      const FileTask& task = tasks[item.file];
      DataFileSink& sink = sinks_[worker][task.source_index];
      FilePlan& plan = plans[item.file];
      switch (item.kind) {
        case WorkItem::Kind::kWholeFile:
          return IngestFile(task, sink, &outcomes[item.file]);
        case WorkItem::Kind::kCopy:
          return CopyFile(task, &plan);
        case WorkItem::Kind::kRange:
          return ParseRange(task, plan, item.range, sink, &plan.range_outcomes[item.range]);
        case WorkItem::Kind::kFilePair: {
          const FileTask& second = tasks[item.range];
          return IngestPair(task, sink, &outcomes[item.file], second,
                            sinks_[worker][second.source_index], &outcomes[item.range]);
        }
      }
      return Status::Internal("unknown work item");
    }));
    STEDI_RETURN_NOT_OK(raw_copier_->Finish());
    for (size_t i = 0; i < tasks.size(); ++i) {
      if (plans[i].ranges == 0) continue;
      std::unordered_map<std::string, size_t> field_index;
      for (FileOutcome& part : plans[i].range_outcomes) {
        AddRangeOutcome(std::move(part), &outcomes[i], &field_index);
      }
      plans[i].range_outcomes.clear();
      FillSourceFile(tasks[i], plans[i].sha256, plans[i].size, &outcomes[i]);
      outcomes[i].split = true;
    }
    return Commit(tasks, outcomes);
  }

 private:
  // Splits TASK when it is new, plain (not gzip) and larger than twice range_bytes. A name
  // already ingested keeps the one-task path: its hash decides first whether to read it at all.
  Status PlanFile(const FileTask& task, FilePlan* plan) {
    const uint64_t range = options_.range_bytes;
    if (range == 0 || task.size <= 2 * range) return Status::OK();
    const LandingSource& source = LandingSources()[task.source_index];
    if (known_.count({std::string(source.name), task.name}) > 0) return Status::OK();
    STEDI_ASSIGN_OR_RETURN(auto file, fs_.OpenForRead(task.path));
    plan->size = file->size();
    if (plan->size <= 2 * range) return Status::OK();
    char magic[2];
    STEDI_ASSIGN_OR_RETURN(size_t n, file->ReadAt(0, 2, magic));
    if (n == 2 && magic[0] == '\x1f' && magic[1] == '\x8b') return Status::OK();
    plan->ranges = (plan->size + range - 1) / range;
    return Status::OK();
  }

  // The copy task of a split file: its raw copy and SHA-256, while other workers parse it.
  Status CopyFile(const FileTask& task, FilePlan* plan) {
    STEDI_ASSIGN_OR_RETURN(auto file, fs_.OpenForRead(task.path));
    if (file->size() != plan->size) {
      return Status::IOError(task.path + ": file changed size while being ingested");
    }
    const LandingSource& source = LandingSources()[task.source_index];
    std::string raw_path = layout_.Resolve(JoinPath(LakeLayout::RawFolder(source.name), task.name));
    STEDI_ASSIGN_OR_RETURN(plan->sha256, CopyAndHash(fs_, *file, raw_path, /*publish=*/true));
    return Status::OK();
  }

  // Parses range K of a split file: from the first line beginning with '{' at or after
  // K * range_bytes (the file's start for K = 0) up to where the next range starts, so the
  // ranges meet exactly. A range with no such line inside is empty (the one before reads on).
  Status ParseRange(const FileTask& task, const FilePlan& plan, uint64_t k, DataFileSink& sink,
                    FileOutcome* out) {
    const uint64_t range = options_.range_bytes;
    STEDI_ASSIGN_OR_RETURN(auto file, fs_.OpenForRead(task.path));
    if (file->size() < plan.size) {
      return Status::IOError(task.path + ": file changed size while being ingested");
    }
    const uint64_t nominal_end = std::min(plan.size, (k + 1) * range);
    uint64_t begin = 0;
    if (k > 0) {
      STEDI_ASSIGN_OR_RETURN(begin, NextLineObject(*file, k * range, nominal_end));
      if (begin >= nominal_end) return Status::OK();
    }
    uint64_t end = plan.size;
    if (k + 1 < plan.ranges) {
      STEDI_ASSIGN_OR_RETURN(end, NextLineObject(*file, nominal_end, plan.size));
    }
    json::ReaderOptions reader_options = ReaderOptionsFor(task, end - begin);
    reader_options.start_offset = begin;
    reader_options.cut_before_object = end < plan.size;
    json::LandingJsonReader reader(schemas_[task.source_index].Current(), reader_options);
    const LandingSource& source = LandingSources()[task.source_index];
    return reader.ReadFile(
        FileSlice(*file, begin, end),
        [&](const Batch& batch) { return AppendRows(source, sink, batch); },
        [&](json::QuarantinedFragment fragment) {
          out->fragments.push_back(std::move(fragment));
          return Status::OK();
        },
        &out->stats);
  }

  // Reader options for BYTES bytes of TASK's file, with schema evolution into its table.
  json::ReaderOptions ReaderOptionsFor(const FileTask& task, uint64_t bytes) {
    json::ReaderOptions reader_options;
    // A chunk no larger than the bytes to read: the reader's buffer is sized per file.
    reader_options.chunk_bytes =
        std::clamp<uint64_t>(bytes + 1, 64 << 10, reader_options.chunk_bytes);
    // Schema evolution: a key no column matches becomes a new column of the table.
    TableSchema& table_schema = schemas_[task.source_index];
    reader_options.new_field = [&table_schema](std::string_view key, json::JsonKind kind) {
      return table_schema.AddField(key, kind);
    };
    return reader_options;
  }

  static void FillSourceFile(const FileTask& task, std::string sha, uint64_t size,
                             FileOutcome* out) {
    const LandingSource& source = LandingSources()[task.source_index];
    SourceFile& sf = out->source_file;
    sf.source = std::string(source.name);
    sf.name = task.name;
    sf.sha256 = std::move(sha);
    sf.bytes = size;
    sf.landed_path = JoinPath(LakeLayout::RawFolder(source.name), task.name);
    sf.records = static_cast<int64_t>(out->stats.records);
    sf.quarantined = static_cast<int64_t>(out->stats.fragments_quarantined);
    sf.unconvertible_fields = static_cast<int64_t>(out->stats.unconvertible_fields);
  }

  // A file already ingested under its name: skipped when unchanged, an error when not.
  static Status CompareWithIngested(const FileTask& task, const std::string& then,
                                    const std::string& now, FileOutcome* out) {
    if (then == now) {
      out->skipped = true;
    } else {
      out->error = task.path +
                   ": already ingested under this name with different content (SHA-256 " +
                   then.substr(0, 12) + "… then, " + now.substr(0, 12) +
                   "… now); rename the file to ingest it as new data";
    }
    return Status::OK();
  }

  json::LandingJsonReader::BatchCallback BatchSink(const LandingSource& source,
                                                   DataFileSink& sink) {
    return [this, &source, &sink](const Batch& batch) { return AppendRows(source, sink, batch); };
  }

  static json::LandingJsonReader::FragmentCallback FragmentSink(FileOutcome* out) {
    return [out](json::QuarantinedFragment fragment) {
      out->fragments.push_back(std::move(fragment));
      return Status::OK();
    };
  }

  Status IngestFile(const FileTask& task, DataFileSink& sink, FileOutcome* out) {
    const LandingSource& source = LandingSources()[task.source_index];
    STEDI_ASSIGN_OR_RETURN(auto file, fs_.OpenForRead(task.path));
    const uint64_t size = file->size();
    if (size > kWholeFileBytes) {
      auto previous = known_.find({std::string(source.name), task.name});
      const std::string* known_sha = previous == known_.end() ? nullptr : &previous->second;
      std::string raw_path =
          layout_.Resolve(JoinPath(LakeLayout::RawFolder(source.name), task.name));
      STEDI_ASSIGN_OR_RETURN(std::string sha,
                             CopyAndHash(fs_, *file, raw_path, /*publish=*/!known_sha));
      if (known_sha) return CompareWithIngested(task, *known_sha, sha, out);
      json::LandingJsonReader reader(schemas_[task.source_index].Current(),
                                     ReaderOptionsFor(task, size));
      STEDI_RETURN_NOT_OK(
          reader.ReadFile(*file, BatchSink(source, sink), FragmentSink(out), &out->stats));
      FillSourceFile(task, std::move(sha), size, out);
      return Status::OK();
    }

    // Small enough to hold: read once, then hashed, copied and parsed from memory.
    STEDI_ASSIGN_OR_RETURN(auto whole, ReadWhole(*file, size));
    const std::string_view bytes(whole->data(), size);
    Sha256 hash;
    hash.Update(bytes);
    return IngestHeld(task, sink, whole, size, hash.Finish(), out);
  }

  // Two small files (see PairSmallFiles): both read, hashed at once, then each taken in turn.
  Status IngestPair(const FileTask& first, DataFileSink& first_sink, FileOutcome* first_out,
                    const FileTask& second, DataFileSink& second_sink, FileOutcome* second_out) {
    STEDI_ASSIGN_OR_RETURN(auto first_file, fs_.OpenForRead(first.path));
    STEDI_ASSIGN_OR_RETURN(auto second_file, fs_.OpenForRead(second.path));
    const uint64_t first_size = first_file->size();
    const uint64_t second_size = second_file->size();
    if (first_size > kWholeFileBytes || second_size > kWholeFileBytes) {
      // Grown since it was listed: each the one-file way, which streams a large file.
      STEDI_RETURN_NOT_OK(IngestFile(first, first_sink, first_out));
      return IngestFile(second, second_sink, second_out);
    }
    STEDI_ASSIGN_OR_RETURN(auto first_bytes, ReadWhole(*first_file, first_size));
    STEDI_ASSIGN_OR_RETURN(auto second_bytes, ReadWhole(*second_file, second_size));
    auto digests = Sha256Pair(std::string_view(first_bytes->data(), first_size),
                              std::string_view(second_bytes->data(), second_size));
    STEDI_RETURN_NOT_OK(
        IngestHeld(first, first_sink, first_bytes, first_size, std::move(digests[0]), first_out));
    return IngestHeld(second, second_sink, second_bytes, second_size, std::move(digests[1]),
                      second_out);
  }

  // The whole of FILE (SIZE bytes) in memory, followed by the reader's padding so it parses
  // the bytes where they are.
  Result<std::shared_ptr<AlignedBuffer>> ReadWhole(const RandomAccessFile& file, uint64_t size) {
    auto whole = read_buffers_.Take(size + json::LandingJsonReader::kPadding);
    std::memset(whole->data() + size, 0, json::LandingJsonReader::kPadding);
    STEDI_ASSIGN_OR_RETURN(size_t n, file.ReadAt(0, size, whole->data()));
    if (n != size) return Status::IOError(file.path() + ": file shrank while being read");
    return whole;
  }

  // TASK's file held whole in WHOLE (SIZE bytes, SHA its digest): skipped or refused when its
  // name was ingested before, else copied raw and parsed.
  Status IngestHeld(const FileTask& task, DataFileSink& sink,
                    const std::shared_ptr<AlignedBuffer>& whole, uint64_t size, std::string sha,
                    FileOutcome* out) {
    const LandingSource& source = LandingSources()[task.source_index];
    auto previous = known_.find({std::string(source.name), task.name});
    if (previous != known_.end()) return CompareWithIngested(task, previous->second, sha, out);
    const std::string_view bytes(whole->data(), size);
    // The raw copy mostly waits on the disk: written on the copier's threads meanwhile.
    std::string raw_path = layout_.Resolve(JoinPath(LakeLayout::RawFolder(source.name), task.name));
    raw_copier_->Write(raw_path, bytes, whole, SyncMode::kDeferred, WriteCaching::kUncached);
    json::LandingJsonReader reader(schemas_[task.source_index].Current(),
                                   ReaderOptionsFor(task, size));
    STEDI_RETURN_NOT_OK(reader.ReadPaddedBuffer(task.path, bytes, BatchSink(source, sink),
                                                FragmentSink(out), &out->stats));
    FillSourceFile(task, std::move(sha), size, out);
    return Status::OK();
  }

  Status AppendRows(const LandingSource& source, DataFileSink& sink, const Batch& batch) {
    if (batch.num_rows() == 0) return Status::OK();
    // A batch with columns added since the writer opened starts a new data file: each file has
    // one schema, and readers match columns by field id, reading nulls where a file has none.
    if (sink.writer && !(*sink.schema == *batch.schema())) STEDI_RETURN_NOT_OK(CloseSink(sink));
    if (!sink.writer) {
      std::string table_folder = LakeLayout::TableFolder(source.name, "landing", source.table);
      sink.path = JoinPath(table_folder, "data/" + run_id_ + "-" +
                                             std::to_string(next_file_.fetch_add(1)) + ".parquet");
      STEDI_ASSIGN_OR_RETURN(auto out,
                             fs_.OpenForWrite(layout_.Resolve(sink.path), SyncMode::kDeferred));
      sink.schema = batch.schema();
      STEDI_ASSIGN_OR_RETURN(sink.writer, parquet::FileWriter::Open(std::move(out), sink.schema,
                                                                    parquet::WriterOptions{}));
      sink.rows = 0;
    }
    STEDI_RETURN_NOT_OK(sink.writer->Write(batch));
    sink.rows += static_cast<int64_t>(batch.num_rows());
    if (sink.rows >= kRowsPerDataFile) return CloseSink(sink);
    return Status::OK();
  }

  static Status CloseSink(DataFileSink& sink) {
    if (!sink.writer) return Status::OK();
    STEDI_ASSIGN_OR_RETURN(parquet::FileSummary summary, sink.writer->Close());
    sink.writer.reset();
    sink.closed.push_back(DataFile{sink.path, summary.num_rows, summary.file_bytes,
                                   iceberg::MetricsFromParquet(summary)});
    return Status::OK();
  }

  Result<std::optional<DataFile>> WriteQuarantine(const std::vector<FileTask>& tasks,
                                                  const std::vector<FileOutcome>& outcomes) {
    auto schema = QuarantineSchema();
    BatchBuilder builder(schema);
    for (size_t i = 0; i < outcomes.size(); ++i) {
      for (const json::QuarantinedFragment& f : outcomes[i].fragments) {
        builder.column(0).AppendString(LandingSources()[tasks[i].source_index].name);
        builder.column(1).AppendString(tasks[i].name);
        builder.column(2).AppendInt64(static_cast<int64_t>(f.offset));
        builder.column(3).AppendString(f.reason);
        builder.column(4).AppendString(f.raw);
      }
    }
    if (builder.num_rows() == 0) return std::optional<DataFile>();
    std::string relative =
        JoinPath(LakeLayout::TableFolder("", "", kQuarantineTable), "data/" + run_id_ + ".parquet");
    STEDI_ASSIGN_OR_RETURN(auto sink,
                           fs_.OpenForWrite(layout_.Resolve(relative), SyncMode::kDeferred));
    STEDI_ASSIGN_OR_RETURN(
        auto writer, parquet::FileWriter::Open(std::move(sink), schema, parquet::WriterOptions{}));
    STEDI_RETURN_NOT_OK(writer->Write(builder.Finish()));
    STEDI_ASSIGN_OR_RETURN(parquet::FileSummary summary, writer->Close());
    return std::optional<DataFile>(DataFile{relative, summary.num_rows,
                                            static_cast<uint64_t>(summary.file_bytes),
                                            iceberg::MetricsFromParquet(summary)});
  }

  Result<IngestReport> Commit(const std::vector<FileTask>& tasks,
                              std::vector<FileOutcome>& outcomes) {
    const auto& sources = LandingSources();
    IngestReport report;
    report.database = catalog_.database();
    CommitRequest request;
    for (const LandingSource& source : sources) {
      SourceIngestReport r;
      r.source = std::string(source.name);
      r.table = std::string(source.table);
      report.sources.push_back(r);
      TableChange change;
      change.table = std::string(source.table);
      change.zone = Zone::kLanding;
      change.location = LakeLayout::TableFolder(source.name, "landing", source.table);
      change.schema = *schemas_[request.tables.size()].Current();
      change.mode = TableChange::Mode::kAppend;
      request.tables.push_back(std::move(change));
    }
    for (size_t i = 0; i < tasks.size(); ++i) {
      FileOutcome& o = outcomes[i];
      SourceIngestReport& r = report.sources[tasks[i].source_index];
      ++r.files_found;
      if (o.skipped) {
        ++r.files_already_ingested;
        continue;
      }
      if (!o.error.empty()) {
        r.file_errors.push_back(o.error);
        continue;
      }
      ++r.files_ingested;
      if (o.split) ++r.files_split;
      r.records += static_cast<int64_t>(o.stats.records);
      r.fragments_quarantined += static_cast<int64_t>(o.stats.fragments_quarantined);
      r.records_with_unconvertible_fields +=
          static_cast<int64_t>(o.stats.records_with_unconvertible_fields);
      r.unconvertible_fields += static_cast<int64_t>(o.stats.unconvertible_fields);
      r.records_with_repaired_utf8 += static_cast<int64_t>(o.stats.records_with_repaired_utf8);
      for (const json::FieldSighting& f : o.stats.fields) {
        request.observations.push_back(FieldObservation{
            o.source_file.source, o.source_file.name, f.name, json::JsonKindsToString(f.kinds),
            static_cast<int64_t>(f.present), static_cast<int64_t>(f.nulls)});
      }
      request.source_files.push_back(std::move(o.source_file));
    }
    // Close every worker's open data files (in parallel: closing compresses the last pages).
    std::vector<DataFileSink*> open;
    for (auto& per_worker : sinks_) {
      for (DataFileSink& sink : per_worker) open.push_back(&sink);
    }
    STEDI_RETURN_NOT_OK(
        ParallelFor(open.size(), sinks_.size(), [&](size_t i) { return CloseSink(*open[i]); }));
    for (auto& per_worker : sinks_) {
      for (size_t s = 0; s < per_worker.size(); ++s) {
        for (DataFile& f : per_worker[s].closed) request.tables[s].files.push_back(std::move(f));
      }
    }
    TableChange quarantine;
    quarantine.table = std::string(kQuarantineTable);
    quarantine.zone = Zone::kLanding;
    quarantine.location = LakeLayout::TableFolder("", "", kQuarantineTable);
    quarantine.schema = *QuarantineSchema();
    quarantine.mode = TableChange::Mode::kAppend;
    STEDI_ASSIGN_OR_RETURN(auto quarantine_file, WriteQuarantine(tasks, outcomes));
    if (quarantine_file) quarantine.files.push_back(*quarantine_file);
    request.tables.push_back(std::move(quarantine));
    // Commit makes the data files durable (one barrier with its own metadata) before publishing.
    STEDI_RETURN_NOT_OK(catalog_.Commit(request));
    return report;
  }

  // Each source's table schema starts as the catalog has it (or the built-in landing schema for
  // a new table) and only grows during the ingest.
  Status LoadTableSchemas() {
    const auto& sources = LandingSources();
    schemas_ = std::vector<TableSchema>(sources.size());
    for (size_t s = 0; s < sources.size(); ++s) {
      std::shared_ptr<const Schema> schema = sources[s].schema;
      int last_column_id = 0;
      // The schema is in the metadata file; the table's manifests need not be read for it.
      auto metadata = catalog_.IcebergMetadata(sources[s].table);
      if (metadata.ok()) {
        schema = std::make_shared<const Schema>(*metadata->current_schema());
        last_column_id = metadata->last_column_id;
      } else if (metadata.status().IsNotFound()) {
        // A table from before tables were Iceberg tables, or none yet.
        auto table = catalog_.GetTable(sources[s].table);
        if (table.ok()) {
          schema = std::make_shared<const Schema>(table->schema);
        } else if (!table.status().IsNotFound()) {
          return table.status();
        }
      } else {
        return metadata.status();
      }
      schemas_[s].Reset(std::move(schema), last_column_id);
    }
    return Status::OK();
  }

  FileSystem& fs_;
  const IngestOptions& options_;
  Catalog& catalog_;
  LakeLayout layout_;
  std::string run_id_;
  std::map<std::pair<std::string, std::string>, std::string> known_;  // (source, name) → sha
  std::vector<std::vector<DataFileSink>> sinks_;                      // [worker][source]
  std::vector<TableSchema> schemas_;                                  // [source]
  std::atomic<uint64_t> next_file_{0};
  // Whole files in memory: while held by a worker or waiting for their raw copy, then reused.
  AlignedBufferPool read_buffers_{kIdleReadBufferBytes};
  std::optional<BackgroundWriter> raw_copier_;  // raw copies of whole-file tasks, during Run
};

}  // namespace

int64_t IngestReport::fragments_quarantined() const {
  int64_t n = 0;
  for (const auto& s : sources) n += s.fragments_quarantined;
  return n;
}

int64_t IngestReport::file_errors() const {
  int64_t n = 0;
  for (const auto& s : sources) n += static_cast<int64_t>(s.file_errors.size());
  return n;
}

Result<IngestReport> RunIngest(FileSystem& fs, const IngestOptions& options) {
  STEDI_RETURN_NOT_OK(fs.CreateDirs(options.lake_dir));
  STEDI_ASSIGN_OR_RETURN(auto catalog, Catalog::Open(options.lake_dir, options.database));
  IngestRun run(fs, options, *catalog);
  return run.Run();
}

}  // namespace stedi
