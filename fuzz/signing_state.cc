// The signing state and its delta (signer/signing_state.cc, state_format.cc): files that
// `sign --incremental` trusts enough to reuse signatures from, and so must never read out
// of bounds whatever they hold. A file whose closing SHA-256 does not match is refused
// first, so this target closes each part with its real digest, and names the base in the
// delta, before reading: the mutations reach the parser instead of the checksum.
//
// Input: byte 0 (bit 0: a delta follows; bit 1: the delta names this base), a 4-byte
// big-endian length, the base's bytes without digest, then the delta's without digest.

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "fuzz/target.h"
#include "signer/signing_state.h"
#include "signer/state_format.h"

namespace {

std::string state_file;

void write_closed(const std::string& path, std::span<const std::uint8_t> body) {
    zw::signer::state_format::Sha256 sha;
    sha.update(body);
    const auto digest = sha.final();
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(body.data()),
              static_cast<std::streamsize>(body.size()));
    out.write(reinterpret_cast<const char*>(digest.data()),
              static_cast<std::streamsize>(digest.size()));
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    // tmpfs where there is one: every input is two small files.
    const char* base = std::filesystem::is_directory("/dev/shm") ? "/dev/shm" : "/tmp";
    std::string dir = fmt::format("{}/zw-fuzz-state-XXXXXX", base);
    if (!::mkdtemp(dir.data())) std::abort();
    state_file = dir + "/out.zone.zwstate";
    static const std::string remove_at_exit = dir;
    std::atexit([] { std::filesystem::remove_all(remove_at_exit); });
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace zw;
    namespace sf = signer::state_format;
    if (size < 5) return 0;
    const std::uint8_t flags = data[0];
    const std::size_t base_size = std::min<std::size_t>(size - 5, dns::read_u32(data + 1));
    const std::span<const std::uint8_t> base(data + 5, base_size);
    std::vector<std::uint8_t> delta(data + 5 + base_size, data + size);
    write_closed(state_file, base);
    const std::string delta_file = signer::delta_path_for(state_file);
    if (flags & 1) {
        if ((flags & 2) && delta.size() >= sf::delta_magic.size() + sf::digest_size) {
            sf::Sha256 sha;
            sha.update(base);
            const auto digest = sha.final();
            std::copy(digest.begin(), digest.end(),
                      delta.begin() + static_cast<std::ptrdiff_t>(sf::delta_magic.size()));
        }
        write_closed(delta_file, delta);
    } else {
        ::unlink(delta_file.c_str());
    }

    static const dns::Name origin = dns::Name::from_text("example.test.").value();
    auto state = signer::SigningState::read(state_file, origin);
    if (!state || !*state) return 0;
    // Every stored record, item by item: the reader promised they are all in bounds.
    std::size_t bytes = 0;
    for (auto c = (*state)->cursor(); !c.done(); c.next()) {
        const auto& r = c.get();
        signer::StoredRRset::for_each_item(r.rdatas, r.rdata_count,
                                           [&](auto item) { bytes += item.size(); });
        signer::StoredRRset::for_each_item(r.signatures, r.signature_count,
                                           [&](auto item) { bytes += item.size(); });
        bytes += r.owner.size();
    }
    for (const auto& chunk : (*state)->text().chunks)
        bytes += static_cast<std::size_t>(chunk.records);
    // Used, so that the walk is not optimised away.
    return bytes == static_cast<std::size_t>(-1) ? -1 : 0;
}
