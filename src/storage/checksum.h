#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "status/result.h"
#include "storage/file_system.h"

namespace stedi {

/// Computes a SHA-256 digest incrementally; Finish returns it as 64 lower-case hex digits.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(std::string_view data);
  std::string Finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// DIGEST's SIZE bytes as lower-case hex digits, two per byte.
std::string DigestHex(const unsigned char* digest, size_t size);

/// Returns the SHA-256 of the whole file at PATH, read in bounded chunks.
Result<std::string> FileSha256(FileSystem& fs, const std::string& path);

}  // namespace stedi
