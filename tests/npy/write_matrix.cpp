// Writes one .npy file per dtype x memory order x byte order x format version x shape with
// detaudit's writer, for check_with_numpy.py to load with numpy:
//   npy_write_matrix DIR
// File names: <dtype>_<C|F>_<le|be>_<auto|v1|v2|v3>_<shape>.npy, e.g. f32_F_be_v2_2x3x4.npy
// (shape "scalar" for 0-d). The element bytes are a pattern numpy's side recomputes: byte i of the
// little-endian C-order data is (37 i + 11) mod 256, and bools are i mod 3 == 0.
#include <cstdio>
#include <exception>
#include <string>
#include <vector>
#include "common/buffer.hpp"
#include "io/npy_writer.hpp"

int main(int argc, char** argv) {
    using namespace detaudit;
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 2;
    }
    const std::string dir = argv[1];
    const DType dtypes[] = {DType::bool_, DType::i8,  DType::i16, DType::i32, DType::i64, DType::u8,  DType::u16,
                            DType::u32,   DType::u64, DType::f16, DType::f32, DType::f64, DType::c64, DType::c128};
    const std::vector<std::vector<std::size_t>> shapes = {{}, {5}, {0, 3}, {3, 1, 2}, {2, 3, 4}};
    const std::pair<NpyVersion, const char*> versions[] = {
        {NpyVersion::automatic, "auto"}, {NpyVersion::v1_0, "v1"}, {NpyVersion::v2_0, "v2"}, {NpyVersion::v3_0, "v3"}};
    std::size_t files = 0;
    try {
        for (DType t : dtypes)
            for (const auto& shape : shapes) {
                Buffer b(t, shape);
                for (std::size_t i = 0; i < b.size_bytes(); ++i)
                    b.data()[i] = static_cast<std::byte>(t == DType::bool_ ? i % 3 == 0 : (37 * i + 11) & 0xff);
                std::string shape_name;
                for (std::size_t d : shape) shape_name += (shape_name.empty() ? "" : "x") + std::to_string(d);
                if (shape.empty()) shape_name = "scalar";
                for (MemoryOrder o : {MemoryOrder::c, MemoryOrder::fortran})
                    for (ByteOrder e : {ByteOrder::little, ByteOrder::big})
                        for (const auto& [v, v_name] : versions) {
                            const std::string name = std::string(dtype_name(t)) + "_" +
                                                     (o == MemoryOrder::c ? "C" : "F") + "_" +
                                                     (e == ByteOrder::little ? "le" : "be") + "_" + v_name + "_" +
                                                     shape_name + ".npy";
                            write_npy(dir + "/" + name, b, {v, e, o});
                            ++files;
                        }
            }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "npy_write_matrix: %s\n", e.what());
        return 1;
    }
    std::printf("npy_write_matrix: wrote %zu files to %s\n", files, dir.c_str());
    return 0;
}
