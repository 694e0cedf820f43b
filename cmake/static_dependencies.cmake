# Links the C libraries stedi depends on from their static archives when Debian ships them.
# Why: each short command (`stedi ingest`, `stedi run` on a small lake) otherwise spends about
# 2.5 ms in the dynamic loader resolving symbols of a dozen shared libraries, a visible share of
# its run time. The C++ runtime and simdjson (shipped only as a shared library) stay shared, so
# the process holds one libstdc++. Any archive that is missing falls back to the shared library.

# Sets VAR to the path of lib<NAME>.a, or to an empty string when there is none.
function(stedi_find_archive var name)
  find_library(STEDI_ARCHIVE_${name} NAMES lib${name}.a)
  if(STEDI_ARCHIVE_${name})
    set(${var} "${STEDI_ARCHIVE_${name}}" PARENT_SCOPE)
  else()
    set(${var} "" PARENT_SCOPE)
  endif()
endfunction()

# Called before find_package: modules that can look for archives themselves.
macro(stedi_prefer_static_before_find)
  set(ZLIB_USE_STATIC_LIBS ON)
  set(OPENSSL_USE_STATIC_LIBS TRUE)
endmacro()

# Called after find_package/pkg_check_modules: points the other imported targets at archives.
# Archives with dependencies of their own become imported targets that name them, so the linker
# sees each dependency after the archive that needs it, whatever else named it first.
function(stedi_prefer_static_after_find)
  stedi_find_archive(sqlite sqlite3)
  if(sqlite)
    set_target_properties(SQLite::SQLite3 PROPERTIES IMPORTED_LOCATION "${sqlite}"
      INTERFACE_LINK_LIBRARIES "Threads::Threads;${CMAKE_DL_LIBS};m")
  endif()

  stedi_find_archive(snappy snappy)
  if(snappy)
    get_target_property(configs Snappy::snappy IMPORTED_CONFIGURATIONS)
    set_target_properties(Snappy::snappy PROPERTIES IMPORTED_LOCATION "${snappy}")
    foreach(config IN LISTS configs)
      set_target_properties(Snappy::snappy PROPERTIES IMPORTED_LOCATION_${config} "${snappy}")
    endforeach()
  endif()

  stedi_find_archive(zstd zstd)
  if(zstd)
    set_target_properties(PkgConfig::ZSTD PROPERTIES INTERFACE_LINK_LIBRARIES
      "${zstd};Threads::Threads")
  endif()

  # avro-c.pc names no private dependencies; the archive needs these (all Debian packages that
  # libavro-dev already depends on). jansson ships no archive (and, without libjansson-dev, no
  # link-time name either): it stays shared, found by its runtime name.
  stedi_find_archive(avro avro)
  stedi_find_archive(lzma lzma)
  find_library(STEDI_JANSSON NAMES jansson libjansson.so.4)
  if(avro AND lzma AND STEDI_JANSSON)
    add_library(stedi_avro_archive STATIC IMPORTED GLOBAL)
    set_target_properties(stedi_avro_archive PROPERTIES IMPORTED_LOCATION "${avro}"
      INTERFACE_LINK_LIBRARIES "${STEDI_JANSSON};${lzma};ZLIB::ZLIB;Snappy::snappy")
    set_target_properties(PkgConfig::AVRO PROPERTIES INTERFACE_LINK_LIBRARIES stedi_avro_archive)
  endif()

  stedi_find_archive(edit edit)
  stedi_find_archive(tinfo tinfo)
  stedi_find_archive(bsd bsd)
  stedi_find_archive(md md)
  if(edit AND tinfo AND bsd AND md)
    add_library(stedi_edit_archive STATIC IMPORTED GLOBAL)
    set_target_properties(stedi_edit_archive PROPERTIES IMPORTED_LOCATION "${edit}"
      INTERFACE_LINK_LIBRARIES "${tinfo};${bsd};${md}")
    set_target_properties(PkgConfig::LIBEDIT PROPERTIES INTERFACE_LINK_LIBRARIES
      stedi_edit_archive)
  endif()
endfunction()
