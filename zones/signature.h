#pragma once
// The RDATA of one RRSIG: either made by this run and owned, or kept from the previous
// run's signing state and read where it lies. An incremental run of a 1M-record zone
// keeps about 1.5 million signatures; copying each out of the state would be 1.5 million
// allocations and 165 MB of fresh memory. A borrowed signature is only as valid as the
// storage it points into: whoever borrows keeps that storage alive as long as the
// signature (signer::SignedZone::kept_storage).

#include <algorithm>
#include <cstdint>
#include <span>
#include <utility>

namespace zw::zones {

class Signature {
  public:
    Signature() = default;
    // An owned copy of bytes.
    explicit Signature(std::span<const std::uint8_t> bytes)
        : size_(static_cast<std::uint32_t>(bytes.size())), owned_(true) {
        auto* copy = new std::uint8_t[bytes.size()];
        std::copy(bytes.begin(), bytes.end(), copy);
        data_ = copy;
    }
    // A view of bytes that the caller keeps alive.
    [[nodiscard]] static Signature borrowed(std::span<const std::uint8_t> bytes) {
        Signature s;
        s.data_ = bytes.data();
        s.size_ = static_cast<std::uint32_t>(bytes.size());
        return s;
    }

    Signature(const Signature& other) : Signature() {
        if (other.owned_) {
            *this = Signature(other.bytes());
        } else {
            data_ = other.data_;
            size_ = other.size_;
        }
    }
    Signature(Signature&& other) noexcept
        : data_(std::exchange(other.data_, nullptr)),
          size_(std::exchange(other.size_, 0)),
          owned_(std::exchange(other.owned_, false)) {}
    Signature& operator=(Signature other) noexcept {
        std::swap(data_, other.data_);
        std::swap(size_, other.size_);
        std::swap(owned_, other.owned_);
        return *this;
    }
    ~Signature() {
        if (owned_) delete[] data_;
    }

    [[nodiscard]] const std::uint8_t* data() const { return data_; }
    [[nodiscard]] std::size_t size() const { return size_; }
    [[nodiscard]] bool empty() const { return size_ == 0; }
    [[nodiscard]] const std::uint8_t* begin() const { return data_; }
    [[nodiscard]] const std::uint8_t* end() const { return data_ + size_; }
    [[nodiscard]] std::uint8_t operator[](std::size_t i) const { return data_[i]; }
    [[nodiscard]] std::span<const std::uint8_t> bytes() const { return {data_, size_}; }
    operator std::span<const std::uint8_t>() const {
        return bytes();
    }  // NOLINT: a view, like a container's
    [[nodiscard]] bool is_borrowed() const { return !owned_ && data_ != nullptr; }

    friend bool operator==(const Signature& a, const Signature& b) {
        return std::ranges::equal(a.bytes(), b.bytes());
    }

  private:
    const std::uint8_t* data_ = nullptr;
    std::uint32_t size_ = 0;
    bool owned_ = false;
};

}  // namespace zw::zones
