#include "generator/json_lines_file_sequence.h"

#include <zlib.h>

#include "generator/pseudo_random.h"

namespace stedi {

namespace {
// Appending in large chunks keeps the number of write calls (and, for the local file system,
// system calls) small while the memory used stays fixed whatever the data size.
constexpr size_t kFlushBytes = size_t{1} << 20;
}  // namespace

// A gzip stream (header and trailer included) over the bytes of one file.
class JsonLinesFileSequence::Deflater {
 public:
  Deflater() {
    // 16 + MAX_WBITS asks zlib for the gzip wrapper instead of the zlib one.
    ok_ = deflateInit2(&stream_, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8,
                       Z_DEFAULT_STRATEGY) == Z_OK;
  }
  ~Deflater() { deflateEnd(&stream_); }
  Deflater(const Deflater&) = delete;
  Deflater& operator=(const Deflater&) = delete;

  // Compresses IN (the whole stream's end when LAST) and appends the output to *OUT.
  Status Compress(std::string_view in, bool last, std::string* out) {
    if (!ok_) return Status::Internal("generator: zlib did not initialise");
    stream_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    stream_.avail_in = static_cast<uInt>(in.size());
    const int flush = last ? Z_FINISH : Z_NO_FLUSH;
    char chunk[1 << 16];
    while (true) {
      stream_.next_out = reinterpret_cast<Bytef*>(chunk);
      stream_.avail_out = sizeof(chunk);
      const int rc = deflate(&stream_, flush);
      if (rc == Z_STREAM_ERROR) return Status::Internal("generator: zlib deflate failed");
      out->append(chunk, sizeof(chunk) - stream_.avail_out);
      if (last ? rc == Z_STREAM_END : stream_.avail_in == 0 && stream_.avail_out != 0) break;
    }
    return Status::OK();
  }

 private:
  z_stream stream_{};
  bool ok_ = false;
};

JsonLinesFileSequence::JsonLinesFileSequence(FileSystem& fs, std::string out_dir,
                                             std::string folder, std::string prefix,
                                             int64_t first_number, uint64_t number_seed,
                                             int64_t rows_per_file)
    : fs_(fs),
      out_dir_(std::move(out_dir)),
      folder_(std::move(folder)),
      prefix_(std::move(prefix)),
      next_number_(first_number),
      number_state_(number_seed),
      rows_per_file_(rows_per_file) {
  buffer_.reserve(kFlushBytes + 4096);
}

JsonLinesFileSequence::~JsonLinesFileSequence() = default;

Status JsonLinesFileSequence::OpenNext() {
  ++files_opened_;
  // The 2nd file, then every EVERY-th: small datasets get one too.
  const bool gzip = gzip_every_ > 0 && files_opened_ % gzip_every_ == 2 % gzip_every_;
  current_relative_ = JoinPath(
      folder_, prefix_ + "-" + std::to_string(next_number_) + (gzip ? ".json.gz" : ".json"));
  next_number_ += 40 + static_cast<int64_t>(SplitMix64(number_state_) % 110);
  STEDI_ASSIGN_OR_RETURN(file_, fs_.OpenForWrite(JoinPath(out_dir_, current_relative_)));
  if (gzip) deflater_ = std::make_unique<Deflater>();
  rows_in_file_ = 0;
  buffer_ += next_prefix_;
  next_prefix_.clear();
  return Status::OK();
}

Status JsonLinesFileSequence::Flush(bool last) {
  if (deflater_) {
    std::string compressed;
    STEDI_RETURN_NOT_OK(deflater_->Compress(buffer_, last, &compressed));
    buffer_.clear();
    if (compressed.empty()) return Status::OK();
    return file_->Append(compressed);
  }
  if (buffer_.empty()) return Status::OK();
  STEDI_RETURN_NOT_OK(file_->Append(buffer_));
  buffer_.clear();
  return Status::OK();
}

Status JsonLinesFileSequence::CloseCurrent() {
  if (file_ == nullptr) return Status::OK();
  STEDI_RETURN_NOT_OK(Flush(/*last=*/true));
  STEDI_RETURN_NOT_OK(file_->Close());
  file_.reset();
  deflater_.reset();
  files_.push_back(current_relative_);
  return Status::OK();
}

Status JsonLinesFileSequence::AppendRecord(std::string_view record, std::string_view ending) {
  if (file_ != nullptr && rows_in_file_ == rows_per_file_) STEDI_RETURN_NOT_OK(CloseCurrent());
  if (file_ == nullptr) STEDI_RETURN_NOT_OK(OpenNext());
  buffer_.append(record);
  buffer_.append(ending);
  ++rows_in_file_;
  ++rows_;
  if (buffer_.size() >= kFlushBytes) return Flush(/*last=*/false);
  return Status::OK();
}

Status JsonLinesFileSequence::AppendBytes(std::string_view bytes) {
  if (file_ == nullptr) STEDI_RETURN_NOT_OK(OpenNext());
  buffer_.append(bytes);
  if (buffer_.size() >= kFlushBytes) return Flush(/*last=*/false);
  return Status::OK();
}

Status JsonLinesFileSequence::StartNewFile() { return CloseCurrent(); }

Status JsonLinesFileSequence::WriteEmptyFile() {
  STEDI_RETURN_NOT_OK(CloseCurrent());
  const std::string relative =
      JoinPath(folder_, prefix_ + "-" + std::to_string(next_number_) + ".json");
  next_number_ += 40 + static_cast<int64_t>(SplitMix64(number_state_) % 110);
  STEDI_RETURN_NOT_OK(fs_.WriteAll(JoinPath(out_dir_, relative), ""));
  files_.push_back(relative);
  return Status::OK();
}

Status JsonLinesFileSequence::Finish() { return CloseCurrent(); }

}  // namespace stedi
