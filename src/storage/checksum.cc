#include "storage/checksum.h"

#include <openssl/evp.h>

#include <vector>

namespace stedi {

struct Sha256::Impl {
  EVP_MD_CTX* ctx = nullptr;
};

Sha256::Sha256() : impl_(std::make_unique<Impl>()) {
  impl_->ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(impl_->ctx, EVP_sha256(), nullptr);
}

Sha256::~Sha256() { EVP_MD_CTX_free(impl_->ctx); }

void Sha256::Update(std::string_view data) {
  EVP_DigestUpdate(impl_->ctx, data.data(), data.size());
}

std::string Sha256::Finish() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(impl_->ctx, digest, &len);
  EVP_DigestInit_ex(impl_->ctx, EVP_sha256(), nullptr);
  return DigestHex(digest, len);
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
