#!/usr/bin/env bash
# Build the mediasoup worker (the C++ SFU process) for the installed `mediasoup` npm
# package from Debian 12 packages only, for hosts that cannot download it (mediasoup's
# own postinstall fetches a prebuilt worker from GitHub, then falls back to pip and
# meson wraps from GitHub). Installs it where mediasoup looks by default:
# node_modules/mediasoup/worker/out/Release/mediasoup-worker (no env var at run time).
#
# Idempotent and cached: does nothing when a working worker of the installed mediasoup
# version is in place; otherwise restores it from ~/.cache/microcourt/mediasoup-worker/
# <version>-<script hash>/, or builds it (5 to 10 minutes of 2 idle cores) and caches it.
#
# What it adapts (mediasoup 3.19.x and 3.32.x on bookworm), each checked below:
#  - the worker's meson wraps download sources: we delete them and give meson small
#    local subprojects that hand back Debian's libuv, OpenSSL, flatbuffers through
#    dependency(); libsrtp3 (a mediasoup fork, not in Debian) is provided by
#    a C++ header mapping its API onto Debian's libsrtp2 2.5, including (3.24 and
#    later) libsrtp 3's policy objects over libsrtp2's struct srtp_policy_t.
#  - martinus/unordered_dense (header-only hash maps, not in Debian 12): a header that
#    maps ankerl::unordered_dense::{map,set,hash} onto std::unordered_{map,set} and
#    std::hash, found through a generated pkg-config file. Same interface the worker
#    uses; std containers are somewhat slower, which the capacity benchmark measures.
#  - Debian's meson is 1.0.1, mediasoup asks >= 1.1.0 (needs nothing newer).
#  - Debian's flatbuffers 2.0.8 flatc/headers stand in for 24.3.25; usrsctp and abseil
#    (up to 3.19.x) come from Debian too; io_uring is off (bookworm's liburing is too old).
#  - up to 3.19.x, a one-character fix in the DTLS BIO callback (see below).
#
# Usage:   bash scripts/build-mediasoup-worker.sh [project_dir]   (default: this repository)
# Install mediasoup beforehand WITHOUT its postinstall: MEDIASOUP_WORKER_BIN=skip npm ci
# Env:     MICROCOURT_CACHE  cache root (default ~/.cache/microcourt)
#          MS_SKIP_APT=1     don't apt-get install the build packages
set -euo pipefail

PROJECT_DIR="$(cd "${1:-$(dirname "$0")/..}" && pwd)"
MS_DIR="$PROJECT_DIR/node_modules/mediasoup"
[ -f "$MS_DIR/package.json" ] || { echo "error: $MS_DIR not found: run 'MEDIASOUP_WORKER_BIN=skip npm ci' first" >&2; exit 1; }
MS_VERSION="$(sed -n 's/^[[:space:]]*"version": *"\([^"]*\)".*/\1/p' "$MS_DIR/package.json" | head -1)"
DEST="$MS_DIR/worker/out/Release/mediasoup-worker"
SCRIPT_HASH="$(sha256sum "${BASH_SOURCE[0]}" | cut -c1-12)"
CACHE_DIR="${MICROCOURT_CACHE:-$HOME/.cache/microcourt}/mediasoup-worker/$MS_VERSION-$SCRIPT_HASH"

# A worker started without MEDIASOUP_VERSION exits with 41: it runs (libraries resolve).
works() { [ -x "$1" ] || return 1; local rc=0; env -i "$1" >/dev/null 2>&1 || rc=$?; [ "$rc" = 41 ]; }

# 1. Already in place (the one from the cache, or one mediasoup's postinstall fetched).
# (npm replaces the package folder on every version change, so a worker there is this version's.)
if works "$DEST"; then
	echo "mediasoup-worker $MS_VERSION already in place: $DEST"; exit 0
fi
if works "$CACHE_DIR/mediasoup-worker"; then
	mkdir -p "$(dirname "$DEST")"
	cp "$CACHE_DIR/mediasoup-worker" "$DEST.tmp" && mv "$DEST.tmp" "$DEST"
	echo "mediasoup-worker $MS_VERSION restored from cache $CACHE_DIR"; exit 0
fi

# 2. Debian build packages (their runtime libraries come along).
APT_PKGS="g++ pkg-config meson ninja-build libuv1-dev libssl-dev libsrtp2-dev libusrsctp-dev libabsl-dev libflatbuffers-dev flatbuffers-compiler"
if [ -z "${MS_SKIP_APT:-}" ] && ! dpkg -s $APT_PKGS >/dev/null 2>&1; then
	SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
	$SUDO apt-get update -q
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $APT_PKGS
fi

echo "building mediasoup-worker $MS_VERSION from Debian packages (a few minutes)"
WORK="$(mktemp -d -t mediasoup-worker-build.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
cp -r "$MS_DIR/worker" "$WORK/worker"
SRC="$WORK/worker"
SP="$SRC/subprojects"
rm -rf "$SP"/*.wrap "$SP/packagefiles" "$SRC/out"
sed -i -E "s/meson_version: *'>= *1\.[1-9][0-9.]*'/meson_version: '>= 1.0.0'/" "$SRC/meson.build"

shim() { # shim NAME LANGS  (meson.build body on stdin)
	mkdir -p "$SP/$1"
	echo "/* empty: stands in for a library in mediasoup's link_whole list */" > "$SP/$1/msdummy.c"
	{ echo "project('$1', $2)"; cat; } > "$SP/$1/meson.build"
}

shim openssl "'c'" <<'MESON'
openssl_dep = dependency('openssl', version: '>=3.0.0')
libcrypto_lib = static_library('msdummy_crypto', 'msdummy.c')
libssl_lib = static_library('msdummy_ssl', 'msdummy.c')
MESON

shim libuv "'c'" <<'MESON'
libuv_dep = dependency('libuv', version: '>=1.44.0')
libuv = static_library('msdummy_uv', 'msdummy.c')
MESON
printf "option('build_tests', type: 'boolean', value: false)\noption('build_benchmarks', type: 'boolean', value: false)\n" > "$SP/libuv/meson_options.txt"

# usrsctp and abseil: mediasoup up to 3.19.x (later releases have their own SCTP stack).
shim usrsctp "'c'" <<'MESON'
usrsctp_dep = dependency('usrsctp')
usrsctp = static_library('msdummy_usrsctp', 'msdummy.c')
MESON
printf "option('sctp_build_programs', type: 'boolean', value: false)\n" > "$SP/usrsctp/meson_options.txt"

shim abseil-cpp "'c', 'cpp'" <<'MESON'
absl_container_dep = declare_dependency(dependencies: [
  dependency('absl_flat_hash_map'), dependency('absl_flat_hash_set'),
  dependency('absl_btree'), dependency('absl_inlined_vector'), dependency('absl_memory')])
absl_strings_dep = dependency('absl_strings')
absl_types_dep = dependency('absl_optional')
absl_container_lib = static_library('msdummy_absl', 'msdummy.c')
MESON

shim catch2 "'c', 'cpp'" <<'MESON'
# Only for the worker's own C++ tests (not built here).
catch2_dep = declare_dependency()
MESON

shim flatbuffers "'c', 'cpp'" <<'MESON'
# Debian's flatbuffers 2.0.8 headers; fbs/meson.build finds /usr/bin/flatc.
flatbuffers_dep = dependency('flatbuffers')
flatbuffers_lib = static_library('msdummy_flatbuffers', 'msdummy.c')
MESON

shim libsrtp3 "'c'" <<'MESON'
# Debian's libsrtp2 + include/srtp.h, which maps the libsrtp 3.x API onto it.
libsrtp3_dep = declare_dependency(dependencies: dependency('libsrtp2', version: '>=2.4.0'),
  include_directories: include_directories('include'))
libsrtp3 = static_library('msdummy_srtp', 'msdummy.c')
MESON
printf "option('crypto-library', type: 'string', value: 'openssl')\noption('crypto-library-kdf', type: 'feature', value: 'disabled')\noption('tests', type: 'feature', value: 'disabled')\n" > "$SP/libsrtp3/meson_options.txt"
mkdir -p "$SP/libsrtp3/include"
cat > "$SP/libsrtp3/include/srtp.h" <<'CPP'
// The libsrtp 3.x API subset mediasoup uses, over Debian's libsrtp 2.x:
// protect/unprotect take (in, in_len, out, out_len*) with size_t lengths (+ an MKI
// index for protect, unused by mediasoup); srtp_stream_remove is srtp_remove_stream.
#ifndef MS_SRTP3_COMPAT_H
#define MS_SRTP3_COMPAT_H
#include <srtp2/srtp.h>
#include <climits>
#include <cstddef>
#include <cstring>
#include <new>

// Error codes that only exist in libsrtp 3.x.
#define srtp_err_status_buffer_small (static_cast<srtp_err_status_t>(28))
#define srtp_err_status_cryptex_err (static_cast<srtp_err_status_t>(29))

namespace ms_srtp3_compat
{
	using proto2_fn = srtp_err_status_t (*)(srtp_t, void*, int*);

	// libsrtp2 works in place: copy to the output buffer (checking room for the trailer) first.
	inline srtp_err_status_t run(
	  proto2_fn fn, srtp_t ctx, const uint8_t* in, size_t inLen, uint8_t* out, size_t* outLen, size_t extra)
	{
		if (inLen > static_cast<size_t>(INT_MAX) || *outLen < inLen + extra)
			return srtp_err_status_buffer_small;
		if (out != in)
			std::memmove(out, in, inLen);
		int len = static_cast<int>(inLen);
		const srtp_err_status_t err = fn(ctx, out, &len);
		if (err == srtp_err_status_ok)
			*outLen = static_cast<size_t>(len);
		return err;
	}
} // namespace ms_srtp3_compat

inline srtp_err_status_t srtp_protect(srtp_t ctx, const uint8_t* rtp, size_t rtpLen, uint8_t* srtp, size_t* srtpLen, size_t)
{
	return ms_srtp3_compat::run(static_cast<ms_srtp3_compat::proto2_fn>(&::srtp_protect), ctx, rtp, rtpLen, srtp, srtpLen, SRTP_MAX_TRAILER_LEN);
}
inline srtp_err_status_t srtp_unprotect(srtp_t ctx, const uint8_t* srtp, size_t srtpLen, uint8_t* rtp, size_t* rtpLen)
{
	return ms_srtp3_compat::run(static_cast<ms_srtp3_compat::proto2_fn>(&::srtp_unprotect), ctx, srtp, srtpLen, rtp, rtpLen, 0);
}
inline srtp_err_status_t srtp_protect_rtcp(srtp_t ctx, const uint8_t* rtcp, size_t rtcpLen, uint8_t* srtcp, size_t* srtcpLen, size_t)
{
	// SRTCP adds the 4-byte E+index word on top of tag/MKI.
	return ms_srtp3_compat::run(static_cast<ms_srtp3_compat::proto2_fn>(&::srtp_protect_rtcp), ctx, rtcp, rtcpLen, srtcp, srtcpLen, SRTP_MAX_TRAILER_LEN + 4);
}
inline srtp_err_status_t srtp_unprotect_rtcp(srtp_t ctx, const uint8_t* srtcp, size_t srtcpLen, uint8_t* rtcp, size_t* rtcpLen)
{
	return ms_srtp3_compat::run(static_cast<ms_srtp3_compat::proto2_fn>(&::srtp_unprotect_rtcp), ctx, srtcp, srtcpLen, rtcp, rtcpLen, 0);
}
inline srtp_err_status_t srtp_stream_remove(srtp_t session, uint32_t ssrc)
{
	return srtp_remove_stream(session, ssrc);
}
CPP
# mediasoup 3.24 and later build the SRTP policy through libsrtp 3's policy-object API
# (srtp_policy_create/set_ssrc/set_profile/add_key/set_allow_repeat_tx/set_window_size/
# destroy, then srtp_create(session, policy)). libsrtp 2.x has a plain struct
# srtp_policy_t instead: we hand out a heap object that fills one, and (only for those
# releases, since 3.19.x still uses the struct) rename srtp_policy_t to the handle type.
if grep -q 'srtp_policy_create' "$SRC/src/RTC/SrtpSession.cpp"; then
	cat >> "$SP/libsrtp3/include/srtp.h" <<'CPP'

namespace ms_srtp3_compat
{
	struct policy
	{
		::srtp_policy_t p{};                  // libsrtp 2.x's policy, handed to srtp_create()
		unsigned char key[SRTP_MAX_KEY_LEN]{}; // master key followed by master salt (2.x layout)
		bool hasProfile{ false };
		bool hasKey{ false };
	};
	using policy_handle = policy*;
} // namespace ms_srtp3_compat

inline srtp_err_status_t srtp_policy_create(ms_srtp3_compat::policy_handle* out)
{
	if (out == nullptr)
		return srtp_err_status_bad_param;
	*out = new (std::nothrow) ms_srtp3_compat::policy();
	if (*out == nullptr)
		return srtp_err_status_alloc_fail;
	(*out)->p.key = (*out)->key;
	return srtp_err_status_ok;
}
inline void srtp_policy_destroy(ms_srtp3_compat::policy_handle policy)
{
	if (policy != nullptr)
		std::memset(policy->key, 0, sizeof(policy->key)); // don't leave key material on the heap
	delete policy;
}
inline srtp_err_status_t srtp_policy_set_ssrc(ms_srtp3_compat::policy_handle policy, srtp_ssrc_t ssrc)
{
	if (policy == nullptr)
		return srtp_err_status_bad_param;
	policy->p.ssrc = ssrc;
	return srtp_err_status_ok;
}
inline srtp_err_status_t srtp_policy_set_profile(ms_srtp3_compat::policy_handle policy, srtp_profile_t profile)
{
	if (policy == nullptr)
		return srtp_err_status_bad_param;
	// libsrtp 2.x's own profile tables (RTCP of *_sha1_32 uses the 80-bit tag, as in 3.x).
	srtp_err_status_t err = srtp_crypto_policy_set_from_profile_for_rtp(&policy->p.rtp, profile);
	if (err == srtp_err_status_ok)
		err = srtp_crypto_policy_set_from_profile_for_rtcp(&policy->p.rtcp, profile);
	policy->hasProfile = (err == srtp_err_status_ok);
	return err;
}
inline srtp_err_status_t srtp_policy_add_key(
  ms_srtp3_compat::policy_handle policy,
  const uint8_t* key,
  size_t keyLen,
  const uint8_t* salt,
  size_t saltLen,
  const uint8_t* mki,
  size_t mkiLen)
{
	// One master key without MKI is all mediasoup uses; 2.x wants key||salt in one buffer
	// whose length matches the cipher chosen by the profile.
	if (policy == nullptr || policy->hasKey || !policy->hasProfile || key == nullptr || salt == nullptr)
		return srtp_err_status_bad_param;
	if (mki != nullptr || mkiLen != 0)
		return srtp_err_status_bad_param;
	if (keyLen + saltLen > sizeof(policy->key) || static_cast<int>(keyLen + saltLen) != policy->p.rtp.cipher_key_len)
		return srtp_err_status_bad_param;
	std::memcpy(policy->key, key, keyLen);
	std::memcpy(policy->key + keyLen, salt, saltLen);
	policy->hasKey = true;
	return srtp_err_status_ok;
}
inline srtp_err_status_t srtp_policy_set_allow_repeat_tx(ms_srtp3_compat::policy_handle policy, bool allow)
{
	if (policy == nullptr)
		return srtp_err_status_bad_param;
	policy->p.allow_repeat_tx = allow ? 1 : 0;
	return srtp_err_status_ok;
}
inline srtp_err_status_t srtp_policy_set_window_size(ms_srtp3_compat::policy_handle policy, size_t windowSize)
{
	if (policy == nullptr)
		return srtp_err_status_bad_param;
	policy->p.window_size = windowSize;
	return srtp_err_status_ok;
}
inline srtp_err_status_t srtp_create(srtp_t* session, ms_srtp3_compat::policy_handle policy)
{
	if (policy == nullptr || !policy->hasKey)
		return srtp_err_status_bad_param;
	return srtp_create(session, &policy->p);
}
// From here on (the worker's code) srtp_policy_t is 3.x's handle type.
#define srtp_policy_t ms_srtp3_compat::policy_handle
CPP
fi
echo '#endif' >> "$SP/libsrtp3/include/srtp.h"

# unordered_dense (3.2x): header + pkg-config file (meson.build asks dependency('unordered_dense')).
UD="$WORK/unordered_dense"
mkdir -p "$UD/include/ankerl" "$UD/pkgconfig"
cat > "$UD/include/ankerl/unordered_dense.h" <<'CPP'
// Stand-in for martinus/unordered_dense (not packaged in Debian 12): the three names
// mediasoup's worker uses, over the standard library's hash containers.
#ifndef MS_UNORDERED_DENSE_COMPAT_H
#define MS_UNORDERED_DENSE_COMPAT_H
#include <functional>
#include <unordered_map>
#include <unordered_set>

namespace ankerl::unordered_dense
{
	template<class T, class Enable = void>
	struct hash : std::hash<T>
	{
	};
	template<class Key, class T, class Hash = hash<Key>, class KeyEqual = std::equal_to<Key>>
	using map = std::unordered_map<Key, T, Hash, KeyEqual>;
	template<class Key, class Hash = hash<Key>, class KeyEqual = std::equal_to<Key>>
	using set = std::unordered_set<Key, Hash, KeyEqual>;
} // namespace ankerl::unordered_dense
#endif
CPP
printf 'Name: unordered_dense\nDescription: std-container stand-in\nVersion: 5.3.2\nCflags: -I%s/include\n' "$UD" > "$UD/pkgconfig/unordered_dense.pc"
export PKG_CONFIG_PATH="$UD/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
# Fail loudly if the worker uses more of unordered_dense than the stand-in provides.
if grep -rhoE 'unordered_dense::[a-z_]+' "$SRC/src" "$SRC/include" | sort -u | grep -vqE '::(map|set|hash)$'; then
	echo "error: mediasoup $MS_VERSION uses unordered_dense names beyond map/set/hash; extend the stand-in" >&2; exit 1
fi

# mediasoup up to 3.19.x: its DTLS BIO callback returns 1 for every post-operation callback,
# so with Debian's KTLS-enabled OpenSSL BIO_get_ktls_send() on the memory BIO reads as "kernel
# TLS on", OpenSSL never allocates its DTLS write buffer and the worker crashes on the first
# ClientHello. Later releases test the bit, as OpenSSL's documentation prescribes; so do we.
sed -i 's/(operationType == BIO_CB_RETURN) ? static_cast<long>(ret) : 1/(operationType \& BIO_CB_RETURN) ? static_cast<long>(ret) : 1/' "$SRC/src/RTC/DtlsTransport.cpp"
if ! grep -qE '\(operationType & BIO_CB_RETURN\)' "$SRC/src/RTC/DtlsTransport.cpp"; then
	echo "error: mediasoup $MS_VERSION lacks the DTLS BIO callback fix (operationType & BIO_CB_RETURN)" >&2; exit 1
fi

# Fail loudly if a mediasoup release adds a subproject we have no local stand-in for.
for name in $(grep -hoE "subproject\( *'[^']+'" "$SRC/meson.build" | sed -E "s/.*'([^']+)'/\1/" | sort -u); do
	case "$name" in wingetopt|liburing) continue ;; esac # Windows only / disabled above
	[ -f "$SP/$name/meson.build" ] || { echo "error: no Debian stand-in for meson subproject '$name' (mediasoup $MS_VERSION)" >&2; exit 1; }
done

# 3. Configure and build (mediasoup's own Release flags). io_uring (up to 3.19.x) is
# disabled: bookworm's liburing 2.3 is older than mediasoup needs.
EXTRA_ARGS=()
grep -q "ms_disable_liburing" "$SRC/meson_options.txt" && EXTRA_ARGS+=(-Dms_disable_liburing=true)
meson setup --wrap-mode=nodownload --buildtype release -Db_ndebug=true "${EXTRA_ARGS[@]}" "$WORK/build" "$SRC"
grep -q "'flatbuffers-generator'" "$SRC/fbs/meson.build" && meson compile -C "$WORK/build" flatbuffers-generator
meson compile -C "$WORK/build" -j "$(nproc)" mediasoup-worker
works "$WORK/build/mediasoup-worker" || { echo "error: the built mediasoup-worker does not start" >&2; exit 1; }

# 4. Cache, then install at mediasoup's default path.
mkdir -p "$CACHE_DIR" "$(dirname "$DEST")"
cp "$WORK/build/mediasoup-worker" "$CACHE_DIR/mediasoup-worker.tmp" && mv "$CACHE_DIR/mediasoup-worker.tmp" "$CACHE_DIR/mediasoup-worker"
cp "$WORK/build/mediasoup-worker" "$DEST.tmp" && mv "$DEST.tmp" "$DEST"
echo "mediasoup-worker $MS_VERSION built: $DEST ($(stat -c %s "$DEST") bytes)"
