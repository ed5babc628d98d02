#pragma once
// BIND's key file pair, as written by dnssec-keygen and ldns-keygen:
//   K<zone>+<alg>+<tag>.key      the DNSKEY record (public), comments start with ';'
//   K<zone>+<alg>+<tag>.private  "Private-key-format: v1.x" then Field: value lines
// Private files are 0600 in a 0700 directory; their contents are never logged.

#include <sys/stat.h>

#include <string>

#include "signer/key.h"

namespace zw::signer {

// Reads one pair given the path of either file or the base name without extension.
// The public key in .key must match the one derived from .private. Only regular files of
// key-file size are read, and a .private that others may read or write, or its group
// write, is refused (chmod 600 mends it).
[[nodiscard]] Result<KeyPair> read_key_pair(const std::string& path);

// Creates dir (0700, less the umask) if needed and refuses one that group or others may
// write (see check_key_directory). Writes the .private (0600) and the .key (0644 less the
// umask) under temporary names first and renames them into place only once both are
// whole, the .key last: a full disk leaves neither, and a crash between the renames a
// .private alone, which readers report (key_directory.h). An existing file of the same
// name is never overwritten.
[[nodiscard]] Result<std::string> write_key_pair(const std::string& dir, const KeyPair& key,
                                                 KeyRole role);

// The one rule for key directories, for reading and writing alike: a directory that
// group or others may write is refused (anyone who can write there can plant a key that
// gets signed with, or remove one).
[[nodiscard]] Result<void> check_key_directory(const std::string& dir, const struct ::stat& st);

// Whether a zone's key files can be named: K<zone>+AAA+TTTTT.private must fit a file name
// (255 octets) with the zone written as dns::file_name_text.
[[nodiscard]] Result<void> key_file_name_fits(const dns::Name& zone);

}  // namespace zw::signer
