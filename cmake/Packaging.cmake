# The Debian package (issue 7): `cpack -G DEB` in a build configured with
# -DCMAKE_INSTALL_PREFIX=/usr (scripts/package.sh does both).
#   ipaudit_VERSION_ARCH.deb: runtime dependencies from dpkg-shlibdeps (dpkg-dev) plus adduser;
#   maintainer scripts in packaging/debian/ (user ipaudit, /var/lib/ipaudit, purge);
#   conffiles: the configuration, the cron file and the init script.
# Nothing is enabled or started: see packaging/debian/postinst.
set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "ipaudit")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_VENDOR "ipaudit")
set(CPACK_PACKAGE_CONTACT "ipaudit maintainers <root@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "network traffic auditor: capture daemon, interval store and reports")
string(CONCAT CPACK_PACKAGE_DESCRIPTION
    "ipauditd counts every conversation (IP pair, protocol, ports) seen on the interfaces it\n"
    "captures on and writes half-hour interval files (SQLite) with daily rollups. The ipaudit\n"
    "command searches them and writes reports (pairs, scanners, servers, traffic, host,\n"
    "summary), which CGI programs also serve on the web.\n"
    "The package enables nothing: the service, the cron jobs and the web pages are\n"
    "turned on by the administrator.")
set(CPACK_PACKAGING_INSTALL_PREFIX "${CMAKE_INSTALL_PREFIX}")
set(CPACK_STRIP_FILES ON)
# Only the rules of cmake/Install.cmake install anything: tests, benchmarks and pcapgen do not.

find_program(DPKG_EXECUTABLE dpkg)
if(DPKG_EXECUTABLE)
  execute_process(COMMAND ${DPKG_EXECUTABLE} --print-architecture
                  OUTPUT_VARIABLE _ipaudit_deb_arch OUTPUT_STRIP_TRAILING_WHITESPACE)
  set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE "${_ipaudit_deb_arch}")
endif()
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # ipaudit_0.1.0_amd64.deb
set(CPACK_DEBIAN_PACKAGE_SECTION "net")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CPACK_PACKAGE_CONTACT}")
# The libraries the programs link (libpcap, libsqlite3, libcgicc, boost program_options, libstdc++)
# come from dpkg-shlibdeps; adduser for the maintainer scripts.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "lighttpd | apache2 | nginx, fcgiwrap, default-mta | mail-transport-agent, cron")
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS OFF)

configure_file(${PROJECT_SOURCE_DIR}/packaging/debian/conffiles.in ${PROJECT_BINARY_DIR}/packaging/conffiles @ONLY)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_BINARY_DIR}/packaging/conffiles
    ${PROJECT_SOURCE_DIR}/packaging/debian/postinst
    ${PROJECT_SOURCE_DIR}/packaging/debian/prerm
    ${PROJECT_SOURCE_DIR}/packaging/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

include(CPack)
