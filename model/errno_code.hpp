// Error numbers as FreeBSD numbers them (sys/sys/errno.h). The model speaks in
// these values; traces speak in names, so other BSDs translate by name.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace kqsim::model {

enum class Errno : std::int32_t {
  kNone = 0,
  kEPERM = 1,
  kENOENT = 2,
  kESRCH = 3,
  kEINTR = 4,
  kEIO = 5,
  kENXIO = 6,
  kECHILD = 10,
  kEBADF = 9,
  kENOMEM = 12,
  kEACCES = 13,
  kEFAULT = 14,
  kEBUSY = 16,
  kEEXIST = 17,
  kENOTDIR = 20,
  kEISDIR = 21,
  kEINVAL = 22,
  kEMFILE = 24,
  kENOTTY = 25,
  kESPIPE = 29,
  kEPIPE = 32,
  kEAGAIN = 35,  // FreeBSD: EAGAIN == EWOULDBLOCK == 35
  kEINPROGRESS = 36,
  kEALREADY = 37,
  kENOTSOCK = 38,
  kEDESTADDRREQ = 39,
  kEMSGSIZE = 40,
  kEPROTOTYPE = 41,
  kEOPNOTSUPP = 45,
  kEADDRINUSE = 48,
  kECONNABORTED = 53,
  kECONNRESET = 54,
  kENOBUFS = 55,
  kEISCONN = 56,
  kENOTCONN = 57,
  kECONNREFUSED = 61,
  kENOTEMPTY = 66,
  kECANCELED = 85,
};

// "ENOENT" for Errno::kENOENT; "0" for kNone; "E?<n>" never happens for the
// values above.
std::string_view errno_name(Errno e);
std::optional<Errno> errno_from_name(std::string_view name);

}  // namespace kqsim::model
