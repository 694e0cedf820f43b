#include "formats/json/byte_stream.h"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

namespace stedi::json {
namespace {

class PlainStream final : public ByteStream {
 public:
  explicit PlainStream(const RandomAccessFile& file) : file_(file) {}

  Result<size_t> Read(char* out, size_t n) override {
    size_t done = 0;
    while (done < n) {
      Result<size_t> got = file_.ReadAt(position_, n - done, out + done);
      if (!got.ok()) return got.status().WithContext(file_.path());
      if (*got == 0) break;
      done += *got;
      position_ += *got;
    }
    return done;
  }
  bool gzip() const override { return false; }

 private:
  const RandomAccessFile& file_;
  uint64_t position_ = 0;
};

// Inflates member after member. Input is read in fixed steps, so memory does not depend on the
// file size.
class GzipStream final : public ByteStream {
 public:
  static constexpr size_t kInputStep = 256 << 10;

  explicit GzipStream(const RandomAccessFile& file) : file_(file), input_(kInputStep) {}
  ~GzipStream() override {
    if (initialized_) inflateEnd(&z_);
  }

  Status Init() {
    std::memset(&z_, 0, sizeof(z_));
    // 16 + MAX_WBITS: expect a gzip header and trailer.
    if (inflateInit2(&z_, 16 + MAX_WBITS) != Z_OK) {
      return Status::Internal(file_.path() + ": cannot initialise zlib");
    }
    initialized_ = true;
    return Status::OK();
  }

  Result<size_t> Read(char* out, size_t n) override {
    z_.next_out = reinterpret_cast<Bytef*>(out);
    z_.avail_out = static_cast<uInt>(std::min<size_t>(n, 1u << 30));
    const size_t wanted = z_.avail_out;
    while (z_.avail_out > 0 && !finished_) {
      if (!in_member_) {
        // Between members: another member must start with the magic bytes; anything else
        // except zero padding is corruption.
        STEDI_RETURN_NOT_OK(EnsureInput(2));
        if (z_.avail_in == 0) {
          finished_ = true;
          break;
        }
        if (z_.avail_in >= 2 && z_.next_in[0] == 0x1f && z_.next_in[1] == 0x8b) {
          if (members_ > 0 && inflateReset(&z_) != Z_OK) {
            return Status::Internal(file_.path() + ": cannot reset zlib");
          }
          in_member_ = true;
          ++members_;
          continue;
        }
        STEDI_RETURN_NOT_OK(SkipZeroPadding());
        continue;
      }
      if (z_.avail_in == 0) {
        STEDI_RETURN_NOT_OK(EnsureInput(1));
        if (z_.avail_in == 0) {
          return Status::Corruption(file_.path() + ": gzip stream truncated at compressed byte " +
                                    std::to_string(consumed_offset()));
        }
      }
      int rc = inflate(&z_, Z_NO_FLUSH);
      if (rc == Z_STREAM_END) {
        in_member_ = false;
      } else if (rc == Z_BUF_ERROR) {
        // No progress without more input; the loop refills (or reports truncation).
        if (z_.avail_in != 0) {
          return Status::Corruption(file_.path() + ": gzip inflate stalled at compressed byte " +
                                    std::to_string(consumed_offset()));
        }
      } else if (rc != Z_OK) {
        return Status::Corruption(file_.path() + ": corrupt gzip data at compressed byte " +
                                  std::to_string(consumed_offset()) + ": " +
                                  (z_.msg ? z_.msg : "zlib error " + std::to_string(rc)));
      }
    }
    return wanted - z_.avail_out;
  }
  bool gzip() const override { return true; }

 private:
  uint64_t consumed_offset() const { return file_position_ - z_.avail_in; }

  // Makes at least MIN bytes of input available unless the file ends first.
  Status EnsureInput(size_t min) {
    if (z_.avail_in >= min || file_done_) return Status::OK();
    size_t keep = z_.avail_in;
    if (keep > 0) std::memmove(input_.data(), z_.next_in, keep);
    while (keep < min && !file_done_) {
      Result<size_t> got = file_.ReadAt(file_position_, input_.size() - keep, input_.data() + keep);
      if (!got.ok()) return got.status().WithContext(file_.path());
      if (*got == 0) file_done_ = true;
      keep += *got;
      file_position_ += *got;
    }
    z_.next_in = reinterpret_cast<Bytef*>(input_.data());
    z_.avail_in = static_cast<uInt>(keep);
    return Status::OK();
  }

  Status SkipZeroPadding() {
    while (true) {
      for (uInt i = 0; i < z_.avail_in; ++i) {
        if (z_.next_in[i] != 0) {
          return Status::Corruption(file_.path() +
                                    ": bytes after the gzip data at compressed byte " +
                                    std::to_string(consumed_offset() + i) +
                                    " are neither a gzip member nor zero padding");
        }
      }
      z_.avail_in = 0;
      STEDI_RETURN_NOT_OK(EnsureInput(1));
      if (z_.avail_in == 0) {
        finished_ = true;
        return Status::OK();
      }
    }
  }

  const RandomAccessFile& file_;
  std::vector<char> input_;
  z_stream z_{};
  bool initialized_ = false;
  bool in_member_ = false;
  bool finished_ = false;
  bool file_done_ = false;
  uint64_t members_ = 0;
  uint64_t file_position_ = 0;
};

}  // namespace

Result<std::unique_ptr<ByteStream>> OpenByteStream(const RandomAccessFile& file) {
  unsigned char magic[2] = {0, 0};
  size_t have = 0;
  while (have < 2) {
    Result<size_t> got = file.ReadAt(have, 2 - have, reinterpret_cast<char*>(magic) + have);
    if (!got.ok()) return got.status().WithContext(file.path());
    if (*got == 0) break;
    have += *got;
  }
  if (have == 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
    auto stream = std::make_unique<GzipStream>(file);
    STEDI_RETURN_NOT_OK(stream->Init());
    return std::unique_ptr<ByteStream>(std::move(stream));
  }
  return std::unique_ptr<ByteStream>(std::make_unique<PlainStream>(file));
}

}  // namespace stedi::json
