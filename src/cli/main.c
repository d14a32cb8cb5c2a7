/* main.c - switchsim's main: the command line (cli.c), everything on this process's threads. */
#include <stddef.h>

#include "cli.h"

int main(int argc, char **argv)
{
    return cli_main(argc, argv, NULL);
}
