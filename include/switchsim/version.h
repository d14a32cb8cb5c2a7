/* version.h - the version of switchsim, shown by --version, the manual and reports. */
#ifndef SWITCHSIM_VERSION_H
#define SWITCHSIM_VERSION_H

#define SWITCHSIM_VERSION "0.3.0"

#endif
