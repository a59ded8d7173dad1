# Install layout (issue 7): FHS places through GNUInstallDirs.
#   programs   ipauditd -> sbin, ipaudit -> bin, the CGI programs -> IPAUDIT_CGI_DIR
#   config     IPAUDIT_CONF_DIR (ipaudit.conf, ports.conf; never overwrites an edited file),
#              /etc/cron.d/ipaudit, /etc/init.d/ipauditd, the systemd unit (none enabled)
#   data       share/ipaudit/sql (schema), lib/ipaudit/ipaudit-weekly-mail,
#              share/doc/ipaudit/examples (web server snippets), man pages from docs/man/
# The programs look for /etc/ipaudit/ipaudit.conf and /etc/ipaudit/ports.conf by default, so the
# configuration goes there whatever the prefix (GNUInstallDirs gives /usr/local/etc for
# /usr/local). Files that name installed paths (cron, unit, init script) are rewritten for the
# prefix when it is not /usr.
include(GNUInstallDirs)

set(IPAUDIT_CGI_DIR "lib/cgi-bin/ipaudit" CACHE PATH
    "Where the CGI programs (index.cgi, search.cgi, ...) are installed (relative: under the prefix)")
set(IPAUDIT_CONF_DIR "/etc/ipaudit" CACHE PATH
    "Where ipaudit.conf and ports.conf are installed (the programs read /etc/ipaudit by default)")
set(IPAUDIT_DATA_DIR "/var/lib/ipaudit" CACHE PATH "The data directory the package creates")
set(IPAUDIT_SYSTEMD_UNIT_DIR "" CACHE PATH
    "Where ipauditd.service is installed (empty: /lib/systemd/system for the prefix /usr, as on Debian 12, else PREFIX/lib/systemd/system)")
if(IPAUDIT_SYSTEMD_UNIT_DIR)
  set(IPAUDIT_FULL_UNIT_DIR "${IPAUDIT_SYSTEMD_UNIT_DIR}")
elseif(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(IPAUDIT_FULL_UNIT_DIR "/lib/systemd/system")
else()
  set(IPAUDIT_FULL_UNIT_DIR "${CMAKE_INSTALL_PREFIX}/lib/systemd/system")
endif()
set(IPAUDIT_CRON_DIR "/etc/cron.d" CACHE PATH "Where the cron file (ipaudit) is installed")
set(IPAUDIT_INITD_DIR "/etc/init.d" CACHE PATH "Where the sysvinit script (ipauditd) is installed")

if(IS_ABSOLUTE "${IPAUDIT_CGI_DIR}")
  set(IPAUDIT_FULL_CGI_DIR "${IPAUDIT_CGI_DIR}")
else()
  set(IPAUDIT_FULL_CGI_DIR "${CMAKE_INSTALL_PREFIX}/${IPAUDIT_CGI_DIR}")
endif()
set(IPAUDIT_LIBEXEC_DIR "${CMAKE_INSTALL_PREFIX}/lib/ipaudit")  # the weekly mail script
set(IPAUDIT_SHARE_DIR "${CMAKE_INSTALL_FULL_DATADIR}/ipaudit")
set(IPAUDIT_EXAMPLES_DIR "${CMAKE_INSTALL_FULL_DOCDIR}/examples")

install(TARGETS ipauditd RUNTIME DESTINATION ${CMAKE_INSTALL_SBINDIR})
install(TARGETS ipaudit RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS index.cgi search.cgi pairs.cgi scanners.cgi servers.cgi traffic.cgi host.cgi summary.cgi
        RUNTIME DESTINATION ${IPAUDIT_CGI_DIR})

# Files naming installed paths: the sources say /usr/...; substitute the real places.
function(ipaudit_configure_paths in out)
  file(READ "${in}" text)
  string(REPLACE "/usr/sbin/ipauditd" "${CMAKE_INSTALL_FULL_SBINDIR}/ipauditd" text "${text}")
  string(REPLACE "/usr/bin/ipaudit" "${CMAKE_INSTALL_FULL_BINDIR}/ipaudit" text "${text}")
  string(REPLACE "/usr/lib/ipaudit/" "${IPAUDIT_LIBEXEC_DIR}/" text "${text}")
  string(REPLACE "/usr/lib/cgi-bin/ipaudit" "${IPAUDIT_FULL_CGI_DIR}" text "${text}")
  string(REPLACE "/etc/ipaudit/" "${IPAUDIT_CONF_DIR}/" text "${text}")
  string(REPLACE "/var/lib/ipaudit" "${IPAUDIT_DATA_DIR}" text "${text}")
  file(WRITE "${out}" "${text}")
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${in}")  # re-run on change
endfunction()
set(_gen "${PROJECT_BINARY_DIR}/install")
ipaudit_configure_paths(${PROJECT_SOURCE_DIR}/conf/ipaudit.cron ${_gen}/ipaudit.cron)
ipaudit_configure_paths(${PROJECT_SOURCE_DIR}/conf/ipauditd.service ${_gen}/ipauditd.service)
ipaudit_configure_paths(${PROJECT_SOURCE_DIR}/conf/ipauditd.init ${_gen}/ipauditd.init)
foreach(snippet lighttpd.conf apache-ipaudit.conf nginx-ipaudit.conf)
  ipaudit_configure_paths(${PROJECT_SOURCE_DIR}/conf/${snippet} ${_gen}/${snippet})
endforeach()

# Configuration: an existing (edited) file is never overwritten. In the .deb these are conffiles,
# which dpkg handles itself (CPack stages into an empty directory, so they are always there).
foreach(conf ipaudit.conf ports.conf)
  install(CODE "
    set(_dest \"\$ENV{DESTDIR}${IPAUDIT_CONF_DIR}/${conf}\")
    if(EXISTS \"\${_dest}\")
      message(STATUS \"Keeping existing: \${_dest} (the new one is ${PROJECT_SOURCE_DIR}/conf/${conf})\")
    else()
      file(INSTALL DESTINATION \"${IPAUDIT_CONF_DIR}\" TYPE FILE
           PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
           FILES \"${PROJECT_SOURCE_DIR}/conf/${conf}\")
    endif()")
endforeach()
install(FILES ${_gen}/ipaudit.cron DESTINATION ${IPAUDIT_CRON_DIR} RENAME ipaudit)
install(PROGRAMS ${_gen}/ipauditd.init DESTINATION ${IPAUDIT_INITD_DIR} RENAME ipauditd)
install(FILES ${_gen}/ipauditd.service DESTINATION ${IPAUDIT_FULL_UNIT_DIR})

install(PROGRAMS conf/ipaudit-weekly-mail DESTINATION ${IPAUDIT_LIBEXEC_DIR})
install(DIRECTORY sql/ DESTINATION ${IPAUDIT_SHARE_DIR}/sql FILES_MATCHING PATTERN "*.sql")
install(FILES ${_gen}/lighttpd.conf ${_gen}/apache-ipaudit.conf ${_gen}/nginx-ipaudit.conf
        DESTINATION ${IPAUDIT_EXAMPLES_DIR})

# Man pages: whatever docs/man/NAME.SECTION exists (globbed again at every build), gzipped when
# IPAUDIT_GZIP_MAN is on (scripts/package.sh turns it on for the .deb).
option(IPAUDIT_GZIP_MAN "Install the man pages gzipped (the .deb does)" OFF)
find_program(GZIP_EXECUTABLE gzip)
file(GLOB _man_pages CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/docs/man/*.[1-8])
foreach(page ${_man_pages})
  get_filename_component(name "${page}" NAME)
  string(REGEX REPLACE ".*\\.([1-8])$" "\\1" section "${name}")
  if(IPAUDIT_GZIP_MAN AND GZIP_EXECUTABLE)
    set(gz ${_gen}/man/${name}.gz)
    add_custom_command(OUTPUT ${gz}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${_gen}/man
      COMMAND ${GZIP_EXECUTABLE} -9n -c ${page} > ${gz}
      DEPENDS ${page} VERBATIM)
    list(APPEND _man_gz ${gz})
    install(FILES ${gz} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section})
  else()
    install(FILES ${page} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section})
  endif()
endforeach()
if(_man_gz)
  add_custom_target(ipaudit_man_gz ALL DEPENDS ${_man_gz})
endif()
