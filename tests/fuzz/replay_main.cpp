// A stand-in for libFuzzer's main in ordinary builds: runs LLVMFuzzerTestOneInput once over
// every file of the directories (or files) given, so the seed corpora and the regression inputs
// of tests/fuzz are replayed by CTest with any compiler (and under ASan + UBSan when enabled).
// A crash or sanitizer report fails the test; it prints each file before running it, so the
// last name printed is the input that failed.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

bool run_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        std::fprintf(stderr, "replay: cannot read %s\n", path.c_str());
        return false;
    }
    const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::fprintf(stderr, "replay: %s (%zu bytes)\n", path.c_str(), bytes.size());
    // A copy of exactly the input's size, as libFuzzer passes it, so ASan sees reads past the end.
    std::vector<std::uint8_t> data(bytes.begin(), bytes.end());
    static const std::uint8_t kEmpty = 0;
    (void)LLVMFuzzerTestOneInput(data.empty() ? &kEmpty : data.data(), data.size());
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    std::size_t runs = 0;
    bool ok = true;
    for (int i = 1; i < argc; ++i) {
        const std::filesystem::path arg(argv[i]);
        std::error_code ec;
        if (std::filesystem::is_directory(arg, ec)) {
            std::vector<std::filesystem::path> files;
            for (const auto& entry : std::filesystem::directory_iterator(arg, ec))
                if (entry.is_regular_file() && entry.path().filename().string().front() != '.') files.push_back(entry.path());
            std::sort(files.begin(), files.end());
            for (const auto& file : files) ok = run_file(file) && ok, ++runs;
        } else if (std::filesystem::exists(arg, ec)) {
            ok = run_file(arg) && ok;
            ++runs;
        }  // a directory that does not exist (no regressions yet) is nothing to replay
    }
    std::fprintf(stderr, "replay: %zu inputs ran%s\n", runs, ok ? "" : ", some could not be read");
    return ok ? 0 : 1;
}
