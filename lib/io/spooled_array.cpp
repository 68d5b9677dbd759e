#include "spooled_array.hpp"
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>
#include <utility>
#include "common/error.hpp"

namespace detaudit {

SpooledArray::~SpooledArray() { release(); }

SpooledArray::SpooledArray(SpooledArray&& other) noexcept
    : m_path(std::exchange(other.m_path, {})), m_fd(std::exchange(other.m_fd, -1)), m_dtype(other.m_dtype),
      m_shape(std::move(other.m_shape)), m_elements(std::exchange(other.m_elements, 0)) {}

SpooledArray& SpooledArray::operator=(SpooledArray&& other) noexcept {
    if (this != &other) {
        release();
        m_path = std::exchange(other.m_path, {});
        m_fd = std::exchange(other.m_fd, -1);
        m_dtype = other.m_dtype;
        m_shape = std::move(other.m_shape);
        m_elements = std::exchange(other.m_elements, 0);
    }
    return *this;
}

void SpooledArray::release() noexcept {
    if (m_fd >= 0) ::close(m_fd);
    if (!m_path.empty()) ::unlink(m_path.c_str());
    m_fd = -1;
    m_path.clear();
}

void SpooledArray::read(std::size_t first, std::size_t count, std::byte* dst) const {
    const std::size_t width = dtype_size(m_dtype);
    std::size_t done = 0, want = count * width;
    const off_t base = static_cast<off_t>(first * width);
    while (done < want) {
        const ssize_t n = ::pread(m_fd, dst + done, want - done, base + static_cast<off_t>(done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0)
            throw Error(ErrorKind::runtime, "spooled output " + m_path + ": " +
                                                (n < 0 ? std::string(std::strerror(errno)) : "shorter than its array"));
        done += static_cast<std::size_t>(n);
    }
}

Buffer SpooledArray::load() const {
    Buffer b(m_dtype, m_shape);
    read(0, m_elements, b.data());
    return b;
}

SpoolWriter::SpoolWriter(std::string path, DType dtype, std::vector<std::size_t> shape) {
    m_array.m_fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (m_array.m_fd < 0) throw Error(ErrorKind::runtime, "cannot create spool file " + path + ": " + std::strerror(errno));
    m_array.m_path = std::move(path);
    m_array.m_dtype = dtype;
    m_array.m_elements = 1;
    for (std::size_t d : shape) m_array.m_elements *= d;
    m_array.m_shape = std::move(shape);
}

SpoolWriter::~SpoolWriter() = default; // an unfinished file goes with m_array

void SpoolWriter::append(std::span<const std::byte> bytes) {
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(m_array.m_fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw Error(ErrorKind::runtime, "cannot write spool file " + m_array.m_path + ": " + std::strerror(errno));
        done += static_cast<std::size_t>(n);
    }
    m_written += bytes.size();
}

SpooledArray SpoolWriter::finish() {
    if (m_written != m_array.size_bytes())
        throw Error(ErrorKind::runtime, "spool file " + m_array.m_path + ": " + std::to_string(m_written) + " bytes written, " +
                                            std::to_string(m_array.size_bytes()) + " expected");
    return std::move(m_array);
}

SpooledArray spool_buffer(const Buffer& buffer, const std::string& path) {
    SpoolWriter w(path, buffer.dtype(), buffer.shape());
    w.append(buffer.bytes());
    return w.finish();
}

} // namespace detaudit
