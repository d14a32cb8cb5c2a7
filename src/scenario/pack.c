/* pack.c - a loaded scenario as bytes and back, for running it in another process (split off
 * scenario.c: the loader reads files, this only copies what the loader made). */
#include <stdlib.h>
#include <string.h>

#include "switchsim/pack.h"
#include "switchsim/scenario.h"

void scenario_pack(const struct scenario *sc, struct pack *p)
{
    struct scenario flat = *sc; /* the keys; the tables follow, each with its count */
    flat.market = NULL;
    flat.suppliers = NULL;
    flat.round_rows = NULL;
    flat.profile = NULL;
    flat.params = NULL;
    flat.param_chol = NULL;
    pack_bytes(p, &flat, sizeof flat);
    pack_array(p, sc->market, sc->n_market, sizeof *sc->market);
    pack_array(p, sc->suppliers, sc->n_suppliers, sizeof *sc->suppliers);
    pack_array(p, sc->round_rows, (size_t)sc->scenario.rounds, sizeof *sc->round_rows);
    pack_array(p, sc->profile, sc->n_profile, sizeof *sc->profile);
    pack_array(p, sc->params, sc->n_params, sizeof *sc->params);
    pack_array(p, sc->param_chol, sc->n_params * sc->n_params, sizeof *sc->param_chol);
}

struct scenario *scenario_unpack(struct pack_reader *r)
{
    struct scenario *sc = calloc(1, sizeof *sc);
    if (!sc || pack_read_bytes(r, sc, sizeof *sc) || sc->scenario.rounds < 1 ||
        sc->n_market == 0 || sc->n_suppliers == 0 || sc->n_profile == 0) {
        r->failed = true;
        free(sc);
        return NULL;
    }
    sc->market = pack_read_array(r, sc->n_market, sizeof *sc->market);
    sc->suppliers = pack_read_array(r, sc->n_suppliers, sizeof *sc->suppliers);
    sc->round_rows = pack_read_array(r, (size_t)sc->scenario.rounds, sizeof *sc->round_rows);
    sc->profile = pack_read_array(r, sc->n_profile, sizeof *sc->profile);
    sc->params = pack_read_array(r, sc->n_params, sizeof *sc->params);
    sc->param_chol = pack_read_array(r, sc->n_params * sc->n_params, sizeof *sc->param_chol);
    if (r->failed) {
        scenario_destroy(sc);
        return NULL;
    }
    return sc;
}
