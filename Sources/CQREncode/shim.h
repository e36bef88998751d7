// Debian's libqrencode (libqrencode-dev): the QR code encoder the contact cards use.
#include <qrencode.h>
