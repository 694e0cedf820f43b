#include "generator/json_lines_file_sequence.h"

#include "generator/pseudo_random.h"

namespace stedi {

namespace {
// Appending in large chunks keeps the number of write calls (and, for the local file system,
// system calls) small while the memory used stays fixed whatever the data size.
constexpr size_t kFlushBytes = size_t{1} << 20;
}  // namespace

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
  current_relative_ = JoinPath(folder_, prefix_ + "-" + std::to_string(next_number_) + ".json");
  next_number_ += 40 + static_cast<int64_t>(SplitMix64(number_state_) % 110);
  STEDI_ASSIGN_OR_RETURN(file_, fs_.OpenForWrite(JoinPath(out_dir_, current_relative_)));
  rows_in_file_ = 0;
  return Status::OK();
}

Status JsonLinesFileSequence::Flush() {
  if (buffer_.empty()) return Status::OK();
  STEDI_RETURN_NOT_OK(file_->Append(buffer_));
  buffer_.clear();
  return Status::OK();
}

Status JsonLinesFileSequence::CloseCurrent() {
  if (file_ == nullptr) return Status::OK();
  STEDI_RETURN_NOT_OK(Flush());
  STEDI_RETURN_NOT_OK(file_->Close());
  file_.reset();
  files_.push_back(current_relative_);
  return Status::OK();
}

Status JsonLinesFileSequence::AppendLine(std::string_view line) {
  if (file_ != nullptr && rows_in_file_ == rows_per_file_) STEDI_RETURN_NOT_OK(CloseCurrent());
  if (file_ == nullptr) STEDI_RETURN_NOT_OK(OpenNext());
  buffer_.append(line);
  buffer_.push_back('\n');
  ++rows_in_file_;
  ++rows_;
  if (buffer_.size() >= kFlushBytes) return Flush();
  return Status::OK();
}

Status JsonLinesFileSequence::Finish() { return CloseCurrent(); }

}  // namespace stedi
