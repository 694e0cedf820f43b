#include "storage/checksum.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "storage/sha256_blocks.h"

namespace stedi {

// On CPUs with the SHA extensions the blocks go through our own compression function: the
// same speed as OpenSSL's, without the 2-4 ms OpenSSL 3 spends loading its provider tables the
// first time a process asks for a digest (a tenth of a small ingest). OpenSSL elsewhere.
struct Sha256::Impl {
  bool extensions = CpuHasSha256Extensions();
  Sha256Lane lane = {};
  uint8_t pending[64] = {};  // bytes after the last whole block
  size_t pending_size = 0;
  uint64_t total = 0;
  EVP_MD_CTX* ctx = nullptr;

  void Reset() {
    if (extensions) {
      lane = Sha256InitialLane();
      pending_size = 0;
      total = 0;
    } else {
      EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
    }
  }
};

Sha256::Sha256() : impl_(std::make_unique<Impl>()) {
  if (!impl_->extensions) impl_->ctx = EVP_MD_CTX_new();
  impl_->Reset();
}

Sha256::~Sha256() {
  if (impl_->ctx != nullptr) EVP_MD_CTX_free(impl_->ctx);
}

void Sha256::Update(std::string_view data) {
  Impl& h = *impl_;
  if (!h.extensions) {
    EVP_DigestUpdate(h.ctx, data.data(), data.size());
    return;
  }
  h.total += data.size();
  const auto* in = reinterpret_cast<const uint8_t*>(data.data());
  size_t size = data.size();
  if (h.pending_size > 0) {
    const size_t take = std::min(size, sizeof(h.pending) - h.pending_size);
    std::memcpy(h.pending + h.pending_size, in, take);
    h.pending_size += take;
    in += take;
    size -= take;
    if (h.pending_size < sizeof(h.pending)) return;
    const uint8_t* block = h.pending;
    Sha256CompressBlocks(&h.lane, &block, 1, 1);
    h.pending_size = 0;
  }
  Sha256CompressBlocks(&h.lane, &in, size / 64, 1);
  h.pending_size = size % 64;
  if (h.pending_size > 0) std::memcpy(h.pending, in + size - h.pending_size, h.pending_size);
}

std::string Sha256::Finish() {
  Impl& h = *impl_;
  std::string hex;
  if (h.extensions) {
    hex = Sha256FinishLane(
        h.lane, std::string_view(reinterpret_cast<const char*>(h.pending), h.pending_size),
        h.total);
  } else {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(h.ctx, digest, &len);
    hex = DigestHex(digest, len);
  }
  h.Reset();
  return hex;
}

std::string DigestHex(const unsigned char* digest, size_t size) {
  static const char kHex[] = "0123456789abcdef";
  std::string out(2 * size, '0');
  for (size_t i = 0; i < size; ++i) {
    out[2 * i] = kHex[digest[i] >> 4];
    out[2 * i + 1] = kHex[digest[i] & 15];
  }
  return out;
}

Result<std::string> FileSha256(FileSystem& fs, const std::string& path) {
  STEDI_ASSIGN_OR_RETURN(auto file, fs.OpenForRead(path));
  Sha256 hash;
  std::vector<char> buffer(1 << 20);
  uint64_t offset = 0;
  while (offset < file->size()) {
    STEDI_ASSIGN_OR_RETURN(size_t n, file->ReadAt(offset, buffer.size(), buffer.data()));
    if (n == 0) return Status::IOError(path + ": file shrank while hashing");
    hash.Update(std::string_view(buffer.data(), n));
    offset += n;
  }
  return hash.Finish();
}

}  // namespace stedi
