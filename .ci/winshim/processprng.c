/*
 * A stand-in for Windows' bcryptprimitives.dll, for tests under wine only.
 *
 * Go programs call ProcessPrng from bcryptprimitives.dll at start, and
 * Debian's wine 8.0 has no such DLL: every Go .exe dies before main. This
 * DLL exports ProcessPrng by calling RtlGenRandom (advapi32's
 * SystemFunction036), which wine has. It is built with mingw-w64 and copied
 * into a throwaway wine prefix by .ci/windows-check.sh; it never ships.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
	while (len > 0) {
		ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;
		if (!SystemFunction036(data, n))
			return FALSE;
		data += n;
		len -= n;
	}
	return TRUE;
}
