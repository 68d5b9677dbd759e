#include <memory>
#include <set>
#include <string_view>
#include "npy_internal.hpp"
#include "npy_reader.hpp"
#include "zip_library.hpp"

namespace detaudit {
namespace {

using namespace npy_detail;

// Deflate cannot expand more than about 1032:1; a member claiming more is corrupt.
constexpr uint64_t k_max_deflate_ratio = 1032;

class ZipMemberSource final : public Source {
public:
    ZipMemberSource(zip_file_t* file, std::string label, uint64_t declared_size)
        : m_file(file), m_label(std::move(label)) {
        size = declared_size;
    }
    ~ZipMemberSource() override { zip_library().fclose(m_file); }
    ZipMemberSource(const ZipMemberSource&) = delete;
    ZipMemberSource& operator=(const ZipMemberSource&) = delete;

    std::size_t read(std::byte* dst, std::size_t n) override {
        std::size_t total = 0;
        while (total < n) {
            // zip_fread takes a 64-bit count; stay well inside it per call.
            const std::size_t want = std::min<std::size_t>(n - total, std::size_t{1} << 30);
            const zip_int64_t got = zip_library().fread(m_file, dst + total, want);
            if (got < 0) fail(m_label, std::string("cannot read: ") + zip_strerror_of_file());
            if (got == 0) break;
            total += static_cast<std::size_t>(got);
        }
        return total;
    }

    // Reads to the end, so that libzip checks the member's CRC.
    void drain() {
        std::byte scratch[4096];
        while (read(scratch, sizeof scratch) == sizeof scratch) {
        }
    }

private:
    const char* zip_strerror_of_file() { return zip_library().error_strerror(zip_library().file_get_error(m_file)); }
    zip_file_t* m_file;
    std::string m_label;
};

struct ZipCloser {
    void operator()(zip_t* z) const { zip_library().discard(z); } // read-only: nothing to write back
};

std::string zip_error_text(int code) {
    zip_error_t error;
    zip_library().error_init_with_code(&error, code);
    std::string text = zip_library().error_strerror(&error);
    zip_library().error_fini(&error);
    return text;
}

// Visits the .npy members of an open archive, in archive order; `path` names the archive in errors.
void visit_members(zip_t* archive, const std::string& path, const NpzMemberVisitor& visit) {
    const zip_int64_t entries = zip_library().get_num_entries(archive, 0);
    std::set<std::string> names;
    for (zip_int64_t i = 0; i < entries; ++i) {
        const auto index = static_cast<zip_uint64_t>(i);
        zip_stat_t st;
        zip_library().stat_init(&st);
        if (zip_library().stat_index(archive, index, 0, &st) != 0 || !(st.valid & ZIP_STAT_NAME) || !(st.valid & ZIP_STAT_SIZE))
            fail(path, "cannot read member " + std::to_string(i) + ": " + zip_library().strerror(archive));
        const std::string member = st.name;
        if (!member.empty() && member.back() == '/') continue; // a directory entry
        // The name is whatever bytes the archive holds: control characters (a newline) would
        // break the one-line error messages.
        const std::string label = path + ":" + without_control_characters(member);
        constexpr std::string_view k_suffix = ".npy";
        if (member.size() <= k_suffix.size() || !member.ends_with(k_suffix))
            fail(label, "not a .npy member (an .npz holds only .npy files)");
        std::string name = member.substr(0, member.size() - k_suffix.size());
        if (!names.insert(name).second) fail(label, "the archive holds this member twice");
        if ((st.valid & ZIP_STAT_COMP_SIZE) && st.comp_size < st.size / k_max_deflate_ratio)
            fail(label, "corrupt archive: " + std::to_string(st.size) + " bytes claimed from " +
                            std::to_string(st.comp_size) + " compressed bytes");
        zip_file_t* file = zip_library().fopen_index(archive, index, 0);
        if (!file) fail(label, std::string("cannot open the member: ") + zip_library().strerror(archive));
        auto source = std::make_unique<ZipMemberSource>(file, label, st.size);
        ZipMemberSource& member_bytes = *source;
        NpyFileReader reader(std::move(source), label);
        visit(name, reader);
        member_bytes.drain(); // to the end, so that libzip checks the CRC
    }
}

// Every member whole, in archive order.
std::vector<NamedBuffer> npz_members(zip_t* archive, const std::string& path) {
    std::vector<NamedBuffer> out;
    visit_members(archive, path, [&](const std::string& name, NpyFileReader& member) {
        out.push_back({name, member.read_all()});
    });
    return out;
}

std::unique_ptr<zip_t, ZipCloser> open_archive(const std::string& path) {
    open_file(path, nullptr); // the same messages as .npy for missing files and directories
    int code = 0;
    std::unique_ptr<zip_t, ZipCloser> archive(zip_library().open(path.c_str(), ZIP_RDONLY, &code));
    if (!archive) fail(path, "not a readable .npz (zip) archive: " + zip_error_text(code));
    return archive;
}

} // namespace

std::vector<NamedBuffer> read_npz(const std::string& path) { return npz_members(open_archive(path).get(), path); }

void for_each_npz_member(const std::string& path, const NpzMemberVisitor& visit) {
    visit_members(open_archive(path).get(), path, visit);
}

std::vector<NamedBuffer> parse_npz(std::span<const std::byte> bytes, const std::string& label) {
    // libzip opens an empty source as a new, empty archive; an empty file is refused (as
    // read_npz does), while an empty archive (np.savez with no arrays) holds its 22-byte directory.
    if (bytes.empty()) fail(label, "not a readable .npz (zip) archive: " + zip_error_text(ZIP_ER_NOZIP));
    zip_error_t error;
    zip_library().error_init(&error);
    // The source only borrows the bytes (freep = 0); zip_open_from_source takes the source over
    // when it succeeds, and leaves it to us when it fails.
    zip_source_t* source = zip_library().source_buffer_create(bytes.data(), bytes.size(), 0, &error);
    if (!source) {
        const std::string text = zip_library().error_strerror(&error);
        zip_library().error_fini(&error);
        fail(label, "cannot read the archive: " + text);
    }
    std::unique_ptr<zip_t, ZipCloser> archive(zip_library().open_from_source(source, ZIP_RDONLY, &error));
    if (!archive) {
        zip_library().source_free(source);
        const std::string text = zip_library().error_strerror(&error);
        zip_library().error_fini(&error);
        fail(label, "not a readable .npz (zip) archive: " + text);
    }
    zip_library().error_fini(&error);
    return npz_members(archive.get(), label);
}

} // namespace detaudit
