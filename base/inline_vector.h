#pragma once
// A vector that holds its first element in itself and goes to the heap from the second on.
// Most RRsets of a zone have one record and one signature per key; as std::vectors each
// of those lists would be an allocation of its own, three million at 1M records, and every
// page they fill first faulted in and zeroed. It is no larger than a std::vector when T
// is at most a pointer pair, and costs one branch per data() call.
//
// Only what the zone model uses is here; iterators are pointers, so std::sort, std::unique
// and std::span work as with a vector.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <span>
#include <stdexcept>
#include <utility>

namespace zw {

template <typename T>
class InlineVector {
  public:
    using value_type = T;
    using iterator = T*;
    using const_iterator = const T*;
    using size_type = std::size_t;

    InlineVector() noexcept {}  // NOLINT: no union member is alive yet
    InlineVector(std::initializer_list<T> items) {
        reserve(items.size());
        for (const T& item : items) push_back(item);
    }
    InlineVector(const InlineVector& other) {
        reserve(other.size());
        for (const T& item : other) push_back(item);
    }
    InlineVector(InlineVector&& other) noexcept { take(other); }
    InlineVector& operator=(const InlineVector& other) {
        if (this != &other) *this = InlineVector(other);
        return *this;
    }
    InlineVector& operator=(InlineVector&& other) noexcept {
        if (this != &other) {
            release();
            take(other);
        }
        return *this;
    }
    ~InlineVector() { release(); }

    [[nodiscard]] T* data() noexcept { return capacity_ > 1 ? heap_ : &one_; }
    [[nodiscard]] const T* data() const noexcept { return capacity_ > 1 ? heap_ : &one_; }
    [[nodiscard]] size_type size() const noexcept { return size_; }
    [[nodiscard]] size_type capacity() const noexcept { return capacity_; }
    [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
    [[nodiscard]] bool on_heap() const noexcept { return capacity_ > 1; }

    [[nodiscard]] iterator begin() noexcept { return data(); }
    [[nodiscard]] iterator end() noexcept { return data() + size_; }
    [[nodiscard]] const_iterator begin() const noexcept { return data(); }
    [[nodiscard]] const_iterator end() const noexcept { return data() + size_; }
    [[nodiscard]] T& operator[](size_type i) noexcept { return data()[i]; }
    [[nodiscard]] const T& operator[](size_type i) const noexcept { return data()[i]; }
    [[nodiscard]] T& at(size_type i) {
        return i < size_ ? data()[i] : throw std::out_of_range("InlineVector::at");
    }
    [[nodiscard]] const T& at(size_type i) const {
        return i < size_ ? data()[i] : throw std::out_of_range("InlineVector::at");
    }
    [[nodiscard]] T& front() noexcept { return data()[0]; }
    [[nodiscard]] const T& front() const noexcept { return data()[0]; }
    [[nodiscard]] T& back() noexcept { return data()[size_ - 1]; }
    [[nodiscard]] const T& back() const noexcept { return data()[size_ - 1]; }
    operator std::span<const T>() const noexcept {
        return {data(), size_};
    }  // NOLINT: a view, as a vector's

    void reserve(size_type n) {
        if (n > capacity_) grow(n);
    }
    void push_back(const T& value) { emplace_back(value); }
    void push_back(T&& value) { emplace_back(std::move(value)); }
    template <typename... Args>
    T& emplace_back(Args&&... args) {
        if (size_ < capacity_)
            return *std::construct_at(data() + size_++, std::forward<Args>(args)...);
        // The arguments may refer to an element of this vector: made before the move.
        T made(std::forward<Args>(args)...);
        grow(2 * capacity_);
        return *std::construct_at(data() + size_++, std::move(made));
    }
    iterator erase(const_iterator first, const_iterator last) {
        T* from = begin() + (first - begin());
        T* to = begin() + (last - begin());
        T* kept_end = std::move(to, end(), from);
        std::destroy(kept_end, end());
        size_ -= static_cast<std::uint32_t>(to - from);
        return from;
    }
    iterator erase(const_iterator at) { return erase(at, at + 1); }
    void clear() noexcept {
        std::destroy(begin(), end());
        size_ = 0;
    }

    friend bool operator==(const InlineVector& a, const InlineVector& b) {
        return std::equal(a.begin(), a.end(), b.begin(), b.end());
    }

  private:
    void grow(size_type n) {
        T* fresh = std::allocator<T>().allocate(n);
        std::uninitialized_move(begin(), end(), fresh);
        std::destroy(begin(), end());
        if (capacity_ > 1) std::allocator<T>().deallocate(heap_, capacity_);
        heap_ = fresh;
        capacity_ = static_cast<std::uint32_t>(n);
    }
    void take(InlineVector& other) noexcept {
        if (other.capacity_ > 1) {
            heap_ = other.heap_;
            capacity_ = other.capacity_;
        } else if (other.size_ == 1) {
            std::construct_at(&one_, std::move(other.one_));
            std::destroy_at(&other.one_);
        }
        size_ = other.size_;
        other.size_ = 0;
        other.capacity_ = 1;
    }
    void release() noexcept {
        clear();
        if (capacity_ > 1) std::allocator<T>().deallocate(heap_, capacity_);
        capacity_ = 1;
    }

    union {
        T* heap_;  // capacity_ > 1
        T one_;    // capacity_ == 1, alive when size_ == 1
    };
    std::uint32_t size_ = 0;
    std::uint32_t capacity_ = 1;
};

}  // namespace zw
