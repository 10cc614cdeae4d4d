# Cross-compiling for FreeBSD amd64 on Debian with clang and lld: static
# binaries against a FreeBSD sysroot (CMAKE_SYSROOT, given by the caller).
# Static programs built against 13.2's libc run on 13.x and later kernels.
set(CMAKE_SYSTEM_NAME FreeBSD)
set(CMAKE_SYSTEM_VERSION 13.2)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

set(KQVM_TRIPLE x86_64-unknown-freebsd13.2)
find_program(KQVM_CLANG NAMES clang-14 clang REQUIRED)
find_program(KQVM_CLANGXX NAMES clang++-14 clang++ REQUIRED)
set(CMAKE_C_COMPILER ${KQVM_CLANG})
set(CMAKE_CXX_COMPILER ${KQVM_CLANGXX})
set(CMAKE_C_COMPILER_TARGET ${KQVM_TRIPLE})
set(CMAKE_CXX_COMPILER_TARGET ${KQVM_TRIPLE})

set(CMAKE_CXX_FLAGS_INIT "-stdlib=libc++")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static -fuse-ld=lld -stdlib=libc++")

# Nothing from the Linux machine: headers and libraries come from the sysroot
# (and the private folder of header-only libraries the runner prepares).
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
