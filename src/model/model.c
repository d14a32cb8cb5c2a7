/* model.c - one replication of collective switching, round after round, on the calendar:
 * the event loop, the replication's draws of uncertain parameters, and what a run sets up
 * once. The events themselves are in signups.c and auction_day.c. */
#include <stdlib.h>
#include <string.h>

#include <csv.h>
#include <gsl/gsl_randist.h>

#include "market.h"
#include "memory.h"
#include "model_int.h"

void model_trace_write(struct model *m, double t, const char *event, long subject, int channel,
                       const char *detail)
{
    fprintf(m->trace, "%.6f,%s,", t, event);
    if (subject >= 0)
        fprintf(m->trace, "%ld", subject);
    fprintf(m->trace, ",%s,", channel < 0 ? "" : channel ? "paper" : "online");
    if (*detail)
        csv_fwrite(m->trace, detail, strlen(detail));
    fputc('\n', m->trace);
}

/* The array `items` (of elements of `size` bytes, *cap of them) with twice the room, or
 * `first` elements when it has none; *cap is updated. Returns NULL, with the array and *cap
 * unchanged, when out of memory. */
void *model_grow_array(void *items, size_t *cap, size_t size, size_t first)
{
    size_t n = *cap ? *cap * 2 : first;
    void *p = realloc(items, n * size);
    if (p)
        *cap = n;
    return p;
}

/* Lines reach their households in time order, which is no order in memory: the household
 * of an item a few places ahead is fetched into the cache while the ones before it are
 * handled. (A macro: GCC takes a function that does nothing but prefetch for one without
 * effect, and drops its calls.) */
#define PREFETCH_AHEAD 32
#if defined(__GNUC__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void)(p))
#endif

static int dispatch(struct model *m, const struct calendar_event *ev)
{
    double t = ev->time;
    uint32_t s = ev->subject;
    switch ((enum event_kind)ev->kind) {
    case EV_ROUND_START: return model_on_round_start(m, (int)s);
    case EV_ARRIVAL: return model_on_arrival(m, (int)s, t);
    case EV_REGISTER: return model_on_register_again(m, s, t);
    case EV_FORM_ARRIVES: return model_on_form_arrives(m, s, t);
    case EV_ENTRY_DONE: return model_on_entry_done(m, s, t);
    case EV_AUCTION: return model_on_auction(m, (int)s, t);
    case EV_KNOWN_ONLINE: return model_on_known_online(m, t);
    case EV_KNOWN_FORM: return model_on_known_form(m, t);
    case EV_LINE: {
        struct eventline_item item;
        if (eventline_pop(&m->lines[s], m->cal, &item))
            return -1;
        const struct eventline_item *ahead = eventline_peek(&m->lines[s], PREFETCH_AHEAD);
        if (ahead && s != LINE_ACCEPT) { /* an acceptance reaches neither */
            PREFETCH(&m->rec[ahead->tag]);
            if (s == LINE_TRANSFERRED) /* (the households of cancels, in the other line, are
                                        * few, and left to the cache) */
                PREFETCH(&m->hs[ahead->subject]);
        }
        switch ((enum line_id)s) {
        case LINE_ACCEPT: return model_on_accept(m, item.subject, item.tag, t);
        case LINE_COOLED: return model_on_cooled(m, item.tag, t);
        case LINE_TRANSFERRED: return model_on_transferred(m, item.tag, t);
        case LINE_COUNT: break;
        }
        break;
    }
    }
    assert(!"unknown event");
    return -1;
}

/* Derived metrics, once every registration has ended. */
static void finish_metrics(struct model *m)
{
    for (int r = 0; r < m->sc->scenario.rounds; r++) {
        double *x = metric(m, r, 0);
        metric_derive(x);
        /* Every registration counted for a round ended in exactly one final state. */
        assert(x[M_REGISTERED] == x[M_SWITCHED] + x[M_DECLINED] + x[M_CANCELLED] + x[M_FAILED] +
                                      x[M_NO_OFFER] + x[M_NO_SAVING]);
        assert(x[M_OFFERS] == x[M_ACCEPTED] + x[M_DECLINED] + x[M_NO_SAVING]);
        assert(x[M_ACCEPTED] == x[M_SWITCHED] + x[M_CANCELLED] + x[M_FAILED]);
    }
}

/* Frees the spare arrays (none: a no-op). */
static void spare_free(struct model_spare *s)
{
    if (!s)
        return;
    memory_free(s->hs, s->cap_hh * sizeof *s->hs);
    memory_free(s->rec, s->cap_rec * sizeof *s->rec);
    free(s);
}

static void model_free(struct model *m)
{
    calendar_destroy(m->cal);
    for (int p = 0; p < P_COUNT; p++)
        gsl_rng_free(m->rng[p]);
    gsl_rng_free(m->replay);
    /* The household and record arrays are kept for the thread's next replication (the
     * spare is empty: run_drawn took what it held). */
    struct model_spare *s = m->totals->spare;
    if (!s && (s = calloc(1, sizeof *s)))
        m->totals->spare = s;
    if (s) {
        assert(!s->hs && !s->rec);
        *s = (struct model_spare){m->hs, m->cap_hh, m->rec, m->cap_rec};
    } else {
        memory_free(m->hs, m->cap_hh * sizeof *m->hs);
        memory_free(m->rec, m->cap_rec * sizeof *m->rec);
    }
    free(m->entered);
    free(m->waiting);
    free(m->queue);
    for (int k = 0; k < LINE_COUNT; k++)
        eventline_cleanup(&m->lines[k]);
}

/* Draws the uncertain parameters of base (base->n_params > 0) into *sc, a copy of base:
 * x = estimate + L z with z standard normal from r, redrawn until within every parameter's
 * bounds (a thousand tries; then clamped), so the draws follow the truncated multivariate
 * normal. Writes them to trace unless it is NULL. */
static void draw_parameters(const struct scenario *base, gsl_rng *r, struct scenario *sc,
                            FILE *trace_file)
{
    size_t n = base->n_params;
    double z[64], x[64];
    bool inside = false;
    for (int attempt = 0; attempt < 1000 && !inside; attempt++) {
        for (size_t i = 0; i < n; i++)
            z[i] = gsl_ran_gaussian_ziggurat(r, 1.0);
        inside = true;
        for (size_t i = 0; i < n; i++) {
            const struct scenario_param *p = &base->params[i];
            x[i] = p->estimate;
            for (size_t j = 0; j <= i; j++)
                x[i] += base->param_chol[i * n + j] * z[j];
            inside &= x[i] >= p->lower && x[i] <= p->upper;
        }
    }
    for (size_t i = 0; i < n; i++) {
        const struct scenario_param *p = &base->params[i];
        char why[160];
        x[i] = fmin(fmax(x[i], p->lower), p->upper);
        int bad = scenario_set_number(sc, p->key, x[i], why, sizeof why);
        assert(!bad); /* the loader checked the bounds against the key's range */
        (void)bad;
        if (trace_file)
            fprintf(trace_file, "0.000000,parameter,,,%s=%.10g\n", p->key, x[i]);
    }
}

static int run_drawn(const struct model_setup *setup, uint64_t seed, uint32_t index,
                     struct replication *out, struct model_totals *totals, FILE *trace_file,
                     struct error *err);

int model_run(const struct model_setup *setup, uint64_t seed, uint32_t index,
              struct replication *out, struct model_totals *totals, FILE *trace_file,
              struct error *err)
{
    if (trace_file)
        fputs("time,event,household,channel,detail\n", trace_file);
    if (setup->sc->n_params == 0 && !setup->observed)
        return run_drawn(setup, seed, index, out, totals, trace_file, err);
    /* This replication's parameters, on their own streams: the model's draws stay the same. */
    struct scenario drawn = *setup->sc;
    if (setup->sc->n_params) {
        gsl_rng *r = stream_create(seed, index, P_PARAMETERS);
        if (!r)
            return error_set(err, ERROR_SYSTEM, "", 0, "", "out of memory");
        draw_parameters(setup->sc, r, &drawn, trace_file);
        gsl_rng_free(r);
    }
    if (setup->observed) {
        /* a live forecast: round 1's online and paper rates from their posteriors */
        const struct model_observed *o = setup->observed;
        gsl_rng *r = stream_create(seed, index, P_FORECAST);
        if (!r)
            return error_set(err, ERROR_SYSTEM, "", 0, "", "out of memory");
        double online =
            o->online_shape > 0 ? gsl_ran_gamma(r, o->online_shape, 1 / o->online_rate) : 0;
        double paper = o->paper_shape > 0 ? gsl_ran_gamma(r, o->paper_shape, 1 / o->paper_rate) : 0;
        gsl_rng_free(r);
        double index1 = drawn.round_rows[0].registration_index;
        drawn.registration.expected = (online + paper) / index1;
        if (online + paper > 0)
            drawn.registration.paper_share = paper / (online + paper);
        if (trace_file)
            fprintf(trace_file, "0.000000,forecast,,,expected=%.10g paper_share=%.10g\n",
                    drawn.registration.expected, drawn.registration.paper_share);
    }
    struct model_setup local;
    if (model_setup_init(&local, &drawn, err))
        return -1;
    local.observed = setup->observed;
    local.keep_days = setup->keep_days;
    assert(local.horizon == setup->horizon); /* fitted keys change no day of the model */
    int rc = run_drawn(&local, seed, index, out, totals, trace_file, err);
    model_setup_cleanup(&local);
    return rc;
}

/* model_run for a scenario whose parameters are set. */
static int run_drawn(const struct model_setup *setup, uint64_t seed, uint32_t index,
                     struct replication *out, struct model_totals *totals, FILE *trace_file,
                     struct error *err)
{
    const struct scenario *sc = setup->sc;
    struct model m = {.setup = setup,
                      .sc = sc,
                      .out = out,
                      .totals = totals,
                      .trace = trace_file,
                      .free_rec = NO_RECORD};
    if (totals->spare) { /* the arrays of the thread's last replication */
        struct model_spare *s = totals->spare;
        m.hs = s->hs;
        m.cap_hh = s->cap_hh;
        m.rec = s->rec;
        m.cap_rec = s->cap_rec;
        *s = (struct model_spare){0};
    }
    memset(out->metrics, 0, (size_t)sc->scenario.rounds * M_COUNT * sizeof *out->metrics);
    out->n_bids = 0;
    int rc = -1;
    for (int k = 0; k < LINE_COUNT; k++)
        eventline_init(&m.lines[k], EV_LINE, (uint32_t)k);
    m.cal = calendar_create(1024);
    if (!m.cal)
        goto done;
    for (int p = 0; p < P_COUNT; p++)
        if (!(m.rng[p] = stream_create(seed, index, (uint32_t)p)))
            goto done;
    if (setup->observed && !(m.replay = stream_create(seed, index, P_REPLAY)))
        goto done;
    if (out->days)
        memset(out->days, 0, totals->days * DAY_COUNT * sizeof *out->days);
    if (schedule(&m, 0.0, EV_ROUND_START, 0))
        goto done;
    struct calendar_event ev;
    while (calendar_pop(m.cal, &ev))
        if (dispatch(&m, &ev))
            goto done;
    assert(m.started == m.finished);
    for (size_t i = 0; i < m.n_hh; i++)
        assert(hh_state(&m, (uint32_t)i) >= ST_SWITCHED);
    assert(m.live_rec == 0 && m.n_entered == 0 && m.n_waiting == m.waiting_taken);
    finish_metrics(&m);
    rc = 0;
done:
    if (rc)
        error_set(err, ERROR_SYSTEM, "", 0, "",
                  "out of memory (or over 67 million pending events) in replication %u", index);
    model_free(&m);
    return rc;
}

int model_setup_init(struct model_setup *setup, const struct scenario *sc, struct error *err)
{
    *setup = (struct model_setup){.sc = sc};
    if (!(setup->households = calloc(1, sizeof *setup->households)) ||
        household_model_init(setup->households, sc)) {
        free(setup->households);
        setup->households = NULL;
        return error_set(err, ERROR_SYSTEM, "", 0, "", "out of memory");
    }
    for (int p = 0; p < PAY_COUNT; p++)
        setup->best_row[p] = market_best_row(sc, (enum payment)p);
    assert(setup->best_row[PAY_DIRECT_DEBIT] >= 0); /* the loader makes sure */
    setup->profile_cdf = calloc(sc->n_profile + 1, sizeof *setup->profile_cdf);
    if (!setup->profile_cdf) {
        model_setup_cleanup(setup);
        return error_set(err, ERROR_SYSTEM, "", 0, "", "out of memory");
    }
    for (size_t d = 0; d < sc->n_profile; d++)
        setup->profile_cdf[d + 1] = setup->profile_cdf[d] + sc->profile[d];
    setup->horizon = scenario_horizon_days(sc);
    return 0;
}

void model_setup_cleanup(struct model_setup *setup)
{
    if (setup->households)
        household_model_cleanup(setup->households);
    free(setup->households);
    setup->households = NULL;
    free(setup->profile_cdf);
    setup->profile_cdf = NULL;
}

int model_totals_init(struct model_totals *t, const struct model_setup *setup)
{
    const struct scenario *sc = setup->sc;
    t->days = (size_t)ceil(setup->horizon);
    t->bins = (size_t)ceil(sc->output.savings_max / sc->output.savings_bin);
    t->spare = NULL;
    t->daily = calloc(t->days * DAILY_COUNT, sizeof *t->daily);
    t->hist = calloc(t->bins + 2, sizeof *t->hist);
    if (!t->daily || !t->hist) {
        model_totals_cleanup(t);
        return -1;
    }
    return 0;
}

void model_totals_add(struct model_totals *into, const struct model_totals *from)
{
    for (size_t k = 0; k < into->days * DAILY_COUNT; k++)
        into->daily[k] += from->daily[k];
    for (size_t k = 0; k < into->bins + 2; k++)
        into->hist[k] += from->hist[k];
}

void model_totals_cleanup(struct model_totals *t)
{
    free(t->daily);
    free(t->hist);
    t->daily = t->hist = NULL;
    spare_free(t->spare);
    t->spare = NULL;
}

int model_replication_init(struct replication *rep, const struct model_setup *setup)
{
    *rep = (struct replication){0};
    rep->metrics = calloc((size_t)setup->sc->scenario.rounds * M_COUNT, sizeof *rep->metrics);
    if (rep->metrics && setup->keep_days &&
        !(rep->days = calloc((size_t)ceil(setup->horizon) * DAY_COUNT, sizeof *rep->days))) {
        free(rep->metrics);
        rep->metrics = NULL;
    }
    return rep->metrics ? 0 : -1;
}

void model_replication_cleanup(struct replication *rep)
{
    free(rep->metrics);
    free(rep->bids);
    free(rep->days);
    *rep = (struct replication){0};
}
