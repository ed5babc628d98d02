#include "signer/signature_digest.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cstring>

#include "dns/openssl.h"

namespace zw::signer {

struct SignatureDigest::Hasher {
    dns::EvpMdCtx ctx{EVP_MD_CTX_new()};
    // Fetched once: an implicitly fetched digest is looked up under OpenSSL's global lock.
    std::unique_ptr<EVP_MD, dns::OsslFree<EVP_MD_free>> md{
        EVP_MD_fetch(nullptr, "SHA256", nullptr)};
};

SignatureDigest::SignatureDigest() = default;
SignatureDigest::SignatureDigest(SignatureDigest&&) noexcept = default;
SignatureDigest& SignatureDigest::operator=(SignatureDigest&&) noexcept = default;
SignatureDigest::~SignatureDigest() = default;

Result<SignatureDigest> SignatureDigest::with_new_key() {
    SignatureDigest d;
    if (RAND_bytes(d.key_.data(), static_cast<int>(d.key_.size())) != 1) {
        return fail(internal_error("no random numbers for the signature digest"));
    }
    return d;
}

SignatureDigest SignatureDigest::empty_copy() const {
    SignatureDigest d;
    d.key_ = key_;
    return d;
}

std::uint64_t SignatureDigest::add(std::span<const std::uint8_t> data,
                                   std::span<const std::uint8_t> signature) {
    if (!hasher_) hasher_ = std::make_unique<Hasher>();
    std::array<std::uint8_t, 32> h{};
    unsigned int length = 0;
    // The data's length goes in too, so that no octet can move between data and signature.
    const std::uint64_t data_length = data.size();
    const bool ok = hasher_->ctx && hasher_->md &&
                    EVP_DigestInit_ex(hasher_->ctx.get(), hasher_->md.get(), nullptr) == 1 &&
                    EVP_DigestUpdate(hasher_->ctx.get(), key_.data(), key_.size()) == 1 &&
                    EVP_DigestUpdate(hasher_->ctx.get(), &data_length, sizeof data_length) == 1 &&
                    EVP_DigestUpdate(hasher_->ctx.get(), data.data(), data.size()) == 1 &&
                    EVP_DigestUpdate(hasher_->ctx.get(), signature.data(), signature.size()) == 1 &&
                    EVP_DigestFinal_ex(hasher_->ctx.get(), h.data(), &length) == 1;
    if (!ok) {
        // Nothing is added: the sums then differ and the check verifies everything.
        return 0;
    }
    std::array<std::uint64_t, 4> lanes{};
    std::memcpy(lanes.data(), h.data(), h.size());
    for (std::size_t i = 0; i < lanes.size(); ++i) sum_[i] += lanes[i];
    ++count_;
    return lanes[0];
}

void SignatureDigest::merge(const SignatureDigest& other) {
    for (std::size_t i = 0; i < sum_.size(); ++i) sum_[i] += other.sum_[i];
    count_ += other.count_;
}

bool SignatureDigest::same_as(const SignatureDigest& other) const {
    return key_ == other.key_ && sum_ == other.sum_ && count_ == other.count_;
}

}  // namespace zw::signer
