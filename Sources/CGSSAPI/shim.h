// MIT Kerberos's GSSAPI (libkrb5-dev), for the acceptor in Sources/Kerberos/KerberosAcceptor.swift.
#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_krb5.h>
