/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* The Modellix REST client: submissions and task queries, each waiting
 * for its slot of the key's budget, sent by the key's engine, and each
 * failure classified so the caller knows whether a retry is safe. The key
 * goes only to the API origin and is never logged. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <gst/gst.h>
#include <libsoup/soup.h>

#include "seedanceclient.h"
#include "seedancedeadline.h"
#include "seedanceerror.h"

GST_DEBUG_CATEGORY_STATIC (seedance_client_debug);
#define GST_CAT_DEFAULT seedance_client_debug

/* libsoup 3.2 has no name for it. */
#define HTTP_TOO_MANY_REQUESTS 429
/* A Retry-After longer than this is taken as this. */
#define MAX_RETRY_AFTER_MS (15 * 60 * 1000)
/* How long every source of a key waits after a 429 that says nothing of
 * when to come back. */
#define RATE_LIMITED_PAUSE_MS 2000
/* Ceiling of the backoff between retries of a failed request. */
#define RETRY_CEILING_MS 30000
/* An API answer that takes longer than this to arrive whole is given up,
 * whatever the timeout: a server may trickle it a byte at a time. A body
 * adds its upload at MIN_UPLOAD_RATE (48 MiB: 13 min more). */
#define EXCHANGE_LIMIT_S 120
#define MIN_UPLOAD_RATE (64 * 1024)

struct _SeedanceClient
{
  SeedanceEngine *engine;       /* the key's: its thread sends */
  gchar *origin;                /* scheme://host[:port] of the API */
  gchar *authorization;         /* "Bearer <key>", only for the API origin */
  const gchar *key;             /* the key, inside authorization */
  gchar *model;
  SeedanceBudget *budget;       /* the key's, NULL: none */
  gint64 priority;              /* in the budget's queue, 0: arrival */
};

static void
ensure_debug_category (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized)) {
    GST_DEBUG_CATEGORY_INIT (seedance_client_debug, "seedanceclient", 0,
        "Seedance REST client");
    g_once_init_leave (&initialized, 1);
  }
}

static gboolean
is_loopback_host (const gchar * host)
{
  GInetAddress *addr;
  gboolean loopback;

  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;
  addr = g_inet_address_new_from_string (host);
  if (addr == NULL)
    return FALSE;
  loopback = g_inet_address_get_is_loopback (addr);
  g_object_unref (addr);
  return loopback;
}

/**
 * seedance_check_api_url:
 * @url: the api-url property
 * @origin: (out) (optional): the canonical origin: scheme and host in
 *   lower case, no default port, no trailing slash
 * @error: an INVALID_PROPERTY error naming api-url
 *
 * An origin is a scheme, a host and an optional port: no credentials, path,
 * query or fragment. Plain http is allowed for loopback hosts only, so the
 * key never crosses a network in clear.
 */
gboolean
seedance_check_api_url (const gchar * url, gchar ** origin, GError ** error)
{
  GUri *uri;
  const gchar *scheme, *host, *path;
  gboolean ok = FALSE;
  const gchar *why = NULL;

  if (url == NULL || *url == '\0') {
    g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_INVALID_PROPERTY,
        "Invalid property 'api-url': it is empty; allowed: an origin such as "
        "%s", SEEDANCE_DEFAULT_API_URL);
    return FALSE;
  }

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL) {
    why = "it is not a URL";
    goto invalid;
  }

  scheme = g_uri_get_scheme (uri);
  host = g_uri_get_host (uri);
  path = g_uri_get_path (uri);
  if (g_ascii_strcasecmp (scheme, "https") != 0
      && g_ascii_strcasecmp (scheme, "http") != 0)
    why = "its scheme is not https";
  else if (host == NULL || *host == '\0')
    why = "it has no host";
  else if (g_uri_get_userinfo (uri) != NULL)
    why = "it carries credentials; the key goes in api-key";
  else if ((*path != '\0' && strcmp (path, "/") != 0)
      || g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL)
    why = "it has a path, query or fragment; give only scheme, host and port";
  else if (g_ascii_strcasecmp (scheme, "http") == 0 && !is_loopback_host (host))
    why = "plain http is allowed only for loopback hosts (localhost, "
        "127.0.0.0/8, [::1]); use https";

  if (why)
    goto invalid;

  ok = TRUE;
  if (origin) {
    /* One origin, one spelling: it names the request in the journal, and
     * HTTP://LOCALHOST:80/ is http://localhost. */
    gchar *lower_scheme = g_ascii_strdown (scheme, -1);
    gchar *lower_host = g_ascii_strdown (host, -1);
    gint port = g_uri_get_port (uri);

    if ((port == 80 && strcmp (lower_scheme, "http") == 0)
        || (port == 443 && strcmp (lower_scheme, "https") == 0))
      port = -1;
    *origin = g_uri_join (G_URI_FLAGS_NONE, lower_scheme, NULL, lower_host,
        port, "", NULL, NULL);
    g_free (lower_host);
    g_free (lower_scheme);
  }
  g_uri_unref (uri);
  return ok;

invalid:
  {
    /* Echo the URL only without its credentials and query, which may be
     * secret. */
    gchar *shown = uri ? g_uri_to_string_partial (uri,
        G_URI_HIDE_USERINFO | G_URI_HIDE_PASSWORD | G_URI_HIDE_QUERY |
        G_URI_HIDE_FRAGMENT) : NULL;

    g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_INVALID_PROPERTY,
        "Invalid property 'api-url': %s%s%s%s; allowed: an origin such as %s",
        shown ? "'" : "", shown ? shown : "", shown ? "': " : "", why,
        SEEDANCE_DEFAULT_API_URL);
    g_free (shown);
    if (uri)
      g_uri_unref (uri);
    return FALSE;
  }
}

/**
 * seedance_api_url_former_origin:
 * @url: an api-url that seedance_check_api_url() accepted
 *
 * Returns: (transfer full): its origin as versions before the origin was
 * normalised spelled it (the scheme in lower case, the host and port as
 * typed): the journal entries they wrote are named by it.
 */
gchar *
seedance_api_url_former_origin (const gchar * url)
{
  GUri *uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  gchar *scheme, *origin;

  g_return_val_if_fail (uri != NULL, NULL);
  scheme = g_ascii_strdown (g_uri_get_scheme (uri), -1);
  origin = g_uri_join (G_URI_FLAGS_NONE, scheme, NULL, g_uri_get_host (uri),
      g_uri_get_port (uri), "", NULL, NULL);
  g_free (scheme);
  g_uri_unref (uri);
  return origin;
}

static gboolean
is_model_segment (const gchar * s, gsize len)
{
  gsize i;

  if (len == 0 || (len <= 2 && strncmp (s, "..", len) == 0))
    return FALSE;
  for (i = 0; i < len; i++) {
    if (!g_ascii_isalnum (s[i]) && s[i] != '.' && s[i] != '-' && s[i] != '_')
      return FALSE;
  }
  return TRUE;
}

/**
 * seedance_check_model:
 * @model: the model property, "provider/model"
 * @error: an INVALID_PROPERTY error naming model
 */
gboolean
seedance_check_model (const gchar * model, GError ** error)
{
  const gchar *slash = model ? strchr (model, '/') : NULL;
  gchar *shown;

  if (slash && is_model_segment (model, slash - model)
      && is_model_segment (slash + 1, strlen (slash + 1)))
    return TRUE;

  /* Quoted as given, made UTF-8 for the message. */
  shown = g_utf8_make_valid (model ? model : "", -1);
  g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_INVALID_PROPERTY,
      "Invalid property 'model': '%s'; allowed: provider/model made of "
      "letters, digits, '.', '-' and '_', such as %s", shown,
      SEEDANCE_DEFAULT_MODEL);
  g_free (shown);
  return FALSE;
}

static void
scrub_key_in_error (const SeedanceClient * client, GError ** error)
{
  if (error && *error)
    seedance_key_scrub_in_place (client->key, &(*error)->message);
}

/**
 * seedance_client_new:
 * @origin: an origin accepted by seedance_check_api_url()
 * @api_key: a key accepted by seedance_check_api_key(), sent only to
 *   @origin
 * @model: a model accepted by seedance_check_model()
 *
 * A client of the key's engine (seedanceengine.c), which every client of
 * the same key and origin in the process shares.
 */
SeedanceClient *
seedance_client_new (const gchar * origin, const gchar * api_key,
    const gchar * model)
{
  SeedanceClient *client;

  g_return_val_if_fail (origin != NULL, NULL);
  /* A short key would go unmasked in messages (see seedance_key_find()). */
  g_return_val_if_fail (api_key != NULL
      && strlen (api_key) >= SEEDANCE_MIN_KEY_LENGTH, NULL);
  g_return_val_if_fail (model != NULL, NULL);

  ensure_debug_category ();

  client = g_new0 (SeedanceClient, 1);
  client->engine = seedance_engine_get (origin, api_key);
  client->origin = g_strdup (origin);
  client->authorization = g_strconcat ("Bearer ", api_key, NULL);
  client->key = client->authorization + strlen ("Bearer ");
  client->model = g_strdup (model);
  return client;
}

/**
 * seedance_client_get_engine:
 *
 * Returns: (transfer none): the key's engine, which downloads too.
 */
SeedanceEngine *
seedance_client_get_engine (SeedanceClient * client)
{
  return client->engine;
}

/**
 * seedance_client_set_budget:
 * @budget: (transfer none): the key's request budget
 *
 * Every API request of @client (not downloads) waits for a slot of
 * @budget first, and a 429 pauses @budget.
 */
void
seedance_client_set_budget (SeedanceClient * client, SeedanceBudget * budget)
{
  g_return_if_fail (client != NULL);

  g_clear_pointer (&client->budget, seedance_budget_unref);
  client->budget = budget ? seedance_budget_ref (budget) : NULL;
}

/**
 * seedance_client_set_priority:
 * @priority: monotonic time (us) the current step of the run began: the
 *   run's start while it submits (or resumes a task), its task's creation
 *   once it polls. 0: each request queues by its arrival
 *
 * The priority of @client's next requests in the key's budget (see
 * seedance_budget_acquire()): the smaller is served first, so the oldest
 * task, the likeliest to be done, is polled first. Called while no
 * request of @client is in flight.
 */
void
seedance_client_set_priority (SeedanceClient * client, gint64 priority)
{
  g_return_if_fail (client != NULL);

  client->priority = priority;
}

void
seedance_client_free (SeedanceClient * client)
{
  if (client == NULL)
    return;
  seedance_engine_unref (client->engine);
  g_free (client->origin);
  /* Wipe the key before the memory goes back to the allocator. */
  memset (client->authorization, 0, strlen (client->authorization));
  g_free (client->authorization);
  g_free (client->model);
  g_clear_pointer (&client->budget, seedance_budget_unref);
  g_free (client);
}

/**
 * seedance_parse_rate_limit_reset:
 * @value: (nullable): an X-RateLimit-Reset header: the Unix time (seconds)
 *   when requests are allowed again, or, from servers that send a small
 *   number, the seconds until then
 * @now: the current time
 *
 * Returns: milliseconds until the reset (at most MAX_RETRY_AFTER_MS), or
 * -1 when @value is none of those.
 */
gint64
seedance_parse_rate_limit_reset (const gchar * value, GDateTime * now)
{
  guint64 seconds;
  gchar *text;
  gboolean ok;
  gint64 ms;

  if (value == NULL)
    return -1;
  text = g_strstrip (g_strdup (value));
  ok = g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT64, &seconds, NULL);
  g_free (text);
  if (!ok)
    return -1;
  /* Before 2001 as a date: a count of seconds. */
  if (seconds < G_GUINT64_CONSTANT (1000000000))
    ms = seconds > MAX_RETRY_AFTER_MS / 1000 ? MAX_RETRY_AFTER_MS :
        (gint64) seconds *1000;
  else
    ms = ((gint64) MIN (seconds, (guint64) G_MAXINT64 / 1000) -
        g_date_time_to_unix (now)) * 1000;
  return CLAMP (ms, 0, MAX_RETRY_AFTER_MS);
}

/**
 * seedance_parse_retry_after:
 * @value: (nullable): a Retry-After header: delay-seconds or an HTTP date
 * @now: the current time, for dates
 *
 * Returns: the delay in milliseconds, capped, or -1 when @value is absent
 * or unusable.
 */
gint64
seedance_parse_retry_after (const gchar * value, GDateTime * now)
{
  gchar *end = NULL;
  guint64 seconds;
  GDateTime *date;
  gint64 ms;

  if (value == NULL)
    return -1;
  while (g_ascii_isspace (*value))
    value++;
  if (*value == '\0')
    return -1;

  if (g_ascii_isdigit (*value)) {
    seconds = g_ascii_strtoull (value, &end, 10);
    while (end && g_ascii_isspace (*end))
      end++;
    if (end == NULL || *end != '\0')
      return -1;
    return seconds > MAX_RETRY_AFTER_MS / 1000 ? MAX_RETRY_AFTER_MS :
        (gint64) seconds *1000;
  }

  date = soup_date_time_new_from_http_string (value);
  if (date == NULL)
    return -1;
  ms = g_date_time_difference (date, now) / 1000;
  g_date_time_unref (date);
  return CLAMP (ms, 0, MAX_RETRY_AFTER_MS);
}

static void
wrote_headers_cb (SoupMessage * msg, gboolean * sent)
{
  *sent = TRUE;
}

static SeedanceError
error_code_for_status (guint status)
{
  switch (status) {
    case SOUP_STATUS_BAD_REQUEST:
    case SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE:
    case SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE:
    case SOUP_STATUS_UNPROCESSABLE_ENTITY:
      return SEEDANCE_ERROR_BAD_REQUEST;
    case SOUP_STATUS_UNAUTHORIZED:
    case SOUP_STATUS_FORBIDDEN:
      return SEEDANCE_ERROR_UNAUTHORIZED;
    case SOUP_STATUS_PAYMENT_REQUIRED:
      return SEEDANCE_ERROR_PAYMENT_REQUIRED;
    case SOUP_STATUS_NOT_FOUND:
      return SEEDANCE_ERROR_NOT_FOUND;
    case HTTP_TOO_MANY_REQUESTS:
      return SEEDANCE_ERROR_RATE_LIMITED;
    default:
      if (SOUP_STATUS_IS_REDIRECTION (status))
        return SEEDANCE_ERROR_REDIRECTED;
      return status >= 500 ? SEEDANCE_ERROR_SERVER :
          SEEDANCE_ERROR_BAD_RESPONSE;
  }
}

static const gchar *
advice_for_code (SeedanceError code)
{
  switch (code) {
    case SEEDANCE_ERROR_UNAUTHORIZED:
      return "check api-key (or MODELLIX_API_KEY)";
    case SEEDANCE_ERROR_PAYMENT_REQUIRED:
      return "the account balance is insufficient: top it up";
    case SEEDANCE_ERROR_RATE_LIMITED:
      return "too many requests for this key";
    default:
      return NULL;
  }
}

/* Where a redirect leads, as an origin: the rest of a Location may hold
 * a token. */
static gchar *
redirect_advice (const SeedanceClient * client, SoupMessage * msg)
{
  const gchar *location =
      soup_message_headers_get_one (soup_message_get_response_headers (msg),
      "Location");
  GUri *target = location ? g_uri_parse_relative (soup_message_get_uri (msg),
      location, G_URI_FLAGS_NONE, NULL) : NULL;
  gchar *origin = NULL, *advice;

  if (target && g_uri_get_host (target))
    origin = g_uri_join (G_URI_FLAGS_NONE, g_uri_get_scheme (target), NULL,
        g_uri_get_host (target), g_uri_get_port (target), "", NULL, NULL);
  if (g_strcmp0 (origin, client->origin) == 0)
    advice = g_strdup ("the API redirects to another path of api-url, which "
        "is not followed: the API may have moved; check api-url and model");
  else
    advice = g_strdup_printf ("the API redirects to %s, which is not "
        "followed so that the key goes only to api-url; set api-url to the "
        "API's own origin", origin ? origin : "an unknown place");
  g_free (origin);
  if (target)
    g_uri_unref (target);
  return advice;
}

/* Turns a non-2xx API answer into an error carrying the server's message. */
static void
set_http_error (const SeedanceClient * client, GError ** error,
    SoupMessage * msg, GBytes * body, const gchar * what)
{
  guint status = soup_message_get_status (msg);
  SeedanceError code = error_code_for_status (status);
  gsize len = 0;
  const gchar *data = body ? g_bytes_get_data (body, &len) : NULL;
  gchar *server = seedance_error_answer_message (data, len);
  gchar *advice = code == SEEDANCE_ERROR_REDIRECTED ?
      redirect_advice (client, msg) : g_strdup (advice_for_code (code));

  g_set_error (error, SEEDANCE_ERROR, code, "%s failed with HTTP %u %s: %s%s%s",
      what, status, soup_status_get_phrase (status) ?
      soup_status_get_phrase (status) : "",
      server ? server : "(no message from the server)",
      advice ? "; " : "", advice ? advice : "");
  g_free (server);
  g_free (advice);
}

typedef struct
{
  SoupMessage *msg;
  GBytes *body;
  gboolean sent;                /* request headers went out */
} Exchange;

/* One request to the API origin, with the key; the answer body is read
 * whole (bounded in size, and in time by @deadline or EXCHANGE_LIMIT_S).
 * Redirects are not followed: they could lead the key to another
 * origin. */
static gboolean
api_exchange (SeedanceClient * client, const gchar * method,
    const gchar * path, GBytes * request_body, gint64 deadline,
    SeedanceAnswer * answer, Exchange * ex, GCancellable * cancellable,
    GError ** error)
{
  gint64 allowed_s = EXCHANGE_LIMIT_S + (request_body ?
      (gint64) g_bytes_get_size (request_body) / MIN_UPLOAD_RATE : 0);
  gint64 limit = g_get_monotonic_time () + allowed_s * G_USEC_PER_SEC;
  gboolean by_timeout = deadline != 0 && deadline <= limit;
  gchar *url = g_strconcat (client->origin, path, NULL);
  SeedanceDeadline *watch;
  SoupMessageHeaders *headers;

  memset (ex, 0, sizeof (*ex));
  answer->http_status = 0;
  answer->retry_after_ms = -1;

  /* Every API request spends one of the key's slots: it waits for its
   * turn among all the sources of the key (seedancebudget.c). */
  if (client->budget && !seedance_budget_acquire (client->budget,
          client->priority, deadline, cancellable, error)) {
    g_free (url);
    return FALSE;
  }

  ex->msg = soup_message_new (method, url);
  if (ex->msg == NULL) {
    g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_INVALID_PROPERTY,
        "cannot build a request for %s", url);
    g_free (url);
    return FALSE;
  }
  GST_DEBUG ("%s %s", method, url);
  g_free (url);

  soup_message_add_flags (ex->msg, SOUP_MESSAGE_NO_REDIRECT);
  headers = soup_message_get_request_headers (ex->msg);
  soup_message_headers_replace (headers, "Authorization",
      client->authorization);
  soup_message_headers_replace (headers, "Accept", "application/json");
  if (request_body)
    soup_message_set_request_body_from_bytes (ex->msg, "application/json",
        request_body);
  g_signal_connect (ex->msg, "wrote-headers", G_CALLBACK (wrote_headers_cb),
      &ex->sent);

  watch = seedance_deadline_new (cancellable, by_timeout ? deadline : limit);
  ex->body = seedance_engine_exchange (client->engine, ex->msg,
      SEEDANCE_MAX_ANSWER_SIZE, seedance_deadline_get_cancellable (watch),
      error);

  /* The status, also of an answer whose body failed: a 429 counts. */
  answer->http_status = soup_message_get_status (ex->msg);
  if (answer->http_status == HTTP_TOO_MANY_REQUESTS
      || answer->http_status >= 500) {
    SoupMessageHeaders *got = soup_message_get_response_headers (ex->msg);
    GDateTime *now = g_date_time_new_now_utc ();

    answer->retry_after_ms = MAX (seedance_parse_retry_after
        (soup_message_headers_get_one (got, "Retry-After"), now),
        seedance_parse_rate_limit_reset (soup_message_headers_get_one (got,
                "X-RateLimit-Reset"), now));
    g_date_time_unref (now);
  }
  /* Too many requests for the key: every source of it waits. */
  if (answer->http_status == HTTP_TOO_MANY_REQUESTS && client->budget)
    seedance_budget_slow_down (client->budget,
        MAX (answer->retry_after_ms, RATE_LIMITED_PAUSE_MS));

  GST_DEBUG ("answer %u, %" G_GSIZE_FORMAT " bytes", answer->http_status,
      ex->body ? g_bytes_get_size (ex->body) : 0);

  if (ex->body == NULL && seedance_deadline_expired (watch)
      && !g_cancellable_is_cancelled (cancellable)) {
    g_clear_error (error);
    if (by_timeout)
      g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_TIMEOUT,
          "%s gave no complete answer before the timeout", client->origin);
    else
      g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_NETWORK,
          "%s gave no complete answer within %" G_GINT64_FORMAT " s",
          client->origin, allowed_s);
  }
  seedance_deadline_free (watch);
  return ex->body != NULL;
}

static void
exchange_clear (Exchange * ex)
{
  if (ex->msg) {
    g_signal_handlers_disconnect_by_data (ex->msg, &ex->sent);
    g_object_unref (ex->msg);
  }
  if (ex->body)
    g_bytes_unref (ex->body);
}

static gboolean
is_success (guint status)
{
  return status >= 200 && status < 300;
}

/* The answers to a submission that prove no task was created (the API's
 * rules); after any other the outcome is unknown. */
static gboolean
proves_no_task (guint status)
{
  switch (status) {
    case SOUP_STATUS_BAD_REQUEST:
    case SOUP_STATUS_UNAUTHORIZED:
    case SOUP_STATUS_PAYMENT_REQUIRED:
    case SOUP_STATUS_FORBIDDEN:
    case SOUP_STATUS_NOT_FOUND:
    case SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE:
    case SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE:
    case SOUP_STATUS_UNPROCESSABLE_ENTITY:
    case HTTP_TOO_MANY_REQUESTS:
      return TRUE;
    default:
      return FALSE;
  }
}

/**
 * seedance_client_submit:
 * @client: the client
 * @body: the JSON body from seedance_request_build_body()
 * @length: its length
 * @deadline: monotonic time (us) by which the answer must have arrived
 *   whole, 0 for none (EXCHANGE_LIMIT_S still bounds it)
 * @answer: (out): status and Retry-After of the answer
 * @cancellable: (nullable): cancels the request
 * @error: on failure; %SEEDANCE_ERROR_NETWORK and
 *   %SEEDANCE_ERROR_RATE_LIMITED mean the server certainly created no task,
 *   %SEEDANCE_ERROR_OUTCOME_UNKNOWN that a task may exist and be billed.
 *
 * Sends one submission, never more: retrying is the caller's decision.
 *
 * Returns: (transfer full) (nullable): the new task's id.
 */
gchar *
seedance_client_submit (SeedanceClient * client, const gchar * body,
    gsize length, gint64 deadline, SeedanceAnswer * answer,
    GCancellable * cancellable, GError ** error)
{
  gchar *path = g_strconcat ("/api/v1/", client->model, "/async", NULL);
  GBytes *bytes = g_bytes_new (body, length);
  GError *err = NULL;
  Exchange ex;
  gchar *task_id = NULL;
  gsize len;
  const gchar *data;

  if (!api_exchange (client, "POST", path, bytes, deadline, answer, &ex,
          cancellable, &err)) {
    if (!ex.sent && g_error_matches (err, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
      g_propagate_error (error, err);
    } else if (!ex.sent && g_error_matches (err, SEEDANCE_ERROR,
            SEEDANCE_ERROR_TIMEOUT)) {
      g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_TIMEOUT,
          "the submission could not be sent before the timeout, so no task "
          "was created: %s", err->message);
      g_error_free (err);
    } else if (!ex.sent) {
      /* No request was written, so no server can have created a task. */
      g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_NETWORK,
          "cannot reach %s: %s", client->origin, err->message);
      g_error_free (err);
    } else {
      g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_OUTCOME_UNKNOWN,
          "the submission was sent but its answer was lost (%s): a task may "
          "exist and be billed; look for it in your Modellix dashboard and "
          "resume it with task-id=<id> instead of submitting again",
          err->message);
      g_error_free (err);
    }
    goto done;
  }

  data = g_bytes_get_data (ex.body, &len);
  if (is_success (answer->http_status)) {
    task_id = seedance_submit_answer_parse (data, len, &err);
    if (seedance_key_find (client->key, task_id)) {
      g_clear_pointer (&task_id, g_free);
      g_set_error_literal (&err, SEEDANCE_ERROR, SEEDANCE_ERROR_BAD_RESPONSE,
          "its task id carries the API key");
    }
    if (task_id == NULL) {
      g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_OUTCOME_UNKNOWN,
          "the submission was accepted (HTTP %u) but %s: a task may exist and "
          "be billed; look for it in your Modellix dashboard and resume it "
          "with task-id=<id> instead of submitting again",
          answer->http_status, err->message);
      g_error_free (err);
    } else {
      GST_INFO ("submitted task %s", task_id);
    }
  } else if (!proves_no_task (answer->http_status)) {
    set_http_error (client, &err, ex.msg, ex.body, "The submission");
    g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_OUTCOME_UNKNOWN,
        "%s. A task may exist and be billed, so it is not sent again: look "
        "for it in your Modellix dashboard and resume it with task-id=<id>",
        err->message);
    g_error_free (err);
  } else {
    set_http_error (client, error, ex.msg, ex.body, "The submission");
  }

done:
  scrub_key_in_error (client, error);
  exchange_clear (&ex);
  g_bytes_unref (bytes);
  g_free (path);
  return task_id;
}

/**
 * seedance_client_query:
 * @client: the client
 * @task_id: the task, a seedance_task_id_is_safe() one
 * @deadline: as for seedance_client_submit()
 * @answer: (out): status and Retry-After of the answer
 * @cancellable: (nullable): cancels the request
 * @error: on failure; see seedance_error_is_retryable_query()
 *
 * Returns: (transfer full) (nullable): the task's state.
 */
SeedanceTask *
seedance_client_query (SeedanceClient * client, const gchar * task_id,
    gint64 deadline, SeedanceAnswer * answer, GCancellable * cancellable,
    GError ** error)
{
  gchar *path;
  GError *err = NULL;
  SeedanceTask *task = NULL;
  Exchange ex;
  const gchar *data;
  gsize len;

  /* A safe id is unreserved characters only: it needs no escaping. */
  g_return_val_if_fail (seedance_task_id_is_safe (task_id), NULL);
  path = g_strconcat ("/api/v1/tasks/", task_id, NULL);

  if (!api_exchange (client, "GET", path, NULL, deadline, answer, &ex,
          cancellable, &err)) {
    if (g_error_matches (err, SEEDANCE_ERROR, SEEDANCE_ERROR_BAD_RESPONSE)) {
      g_prefix_error (&err, "the answer about task %s is unusable: ", task_id);
      g_propagate_error (error, err);
    } else if (err->domain == SEEDANCE_ERROR
        || g_error_matches (err, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
      g_propagate_error (error, err);
    } else {
      g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_NETWORK,
          "querying task %s at %s failed: %s", task_id, client->origin,
          err->message);
      g_error_free (err);
    }
    goto done;
  }

  data = g_bytes_get_data (ex.body, &len);
  if (is_success (answer->http_status)) {
    task = seedance_task_parse (data, len, &err);
    if (task == NULL) {
      g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_BAD_RESPONSE,
          "the answer about task %s is unusable: %s", task_id, err->message);
      g_error_free (err);
    } else if (task->task_id && strcmp (task->task_id, task_id) != 0) {
      g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_BAD_RESPONSE,
          "the answer about task %s describes another task", task_id);
      g_clear_pointer (&task, seedance_task_free);
    } else if (seedance_key_find (client->key, task->video_url)
        || seedance_key_find (client->key, task->last_frame_url)) {
      g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_BAD_RESPONSE,
          "the answer about task %s is unusable: its result URL carries the "
          "API key, which must not go to another origin", task_id);
      g_clear_pointer (&task, seedance_task_free);
    }
  } else {
    gchar *what = g_strdup_printf ("Querying task %s", task_id);

    set_http_error (client, error, ex.msg, ex.body, what);
    g_free (what);
  }

done:
  scrub_key_in_error (client, error);
  if (task) {
    seedance_key_scrub_in_place (client->key, &task->status);
    seedance_key_scrub_in_place (client->key, &task->failure);
  }
  exchange_clear (&ex);
  g_free (path);
  return task;
}

/**
 * seedance_error_is_retryable_query:
 * @error: an error of seedance_client_query()
 *
 * Returns: whether asking again later may succeed: network failures,
 * 429, 5xx and unreadable answers.
 */
gboolean
seedance_error_is_retryable_query (const GError * error)
{
  return g_error_matches (error, SEEDANCE_ERROR, SEEDANCE_ERROR_NETWORK)
      || g_error_matches (error, SEEDANCE_ERROR, SEEDANCE_ERROR_RATE_LIMITED)
      || g_error_matches (error, SEEDANCE_ERROR, SEEDANCE_ERROR_SERVER)
      || g_error_matches (error, SEEDANCE_ERROR, SEEDANCE_ERROR_BAD_RESPONSE);
}

/**
 * seedance_backoff_ms:
 * @base_ms: the first delay
 * @attempt: how many attempts failed before, from 0
 *
 * Exponential backoff with jitter: @base_ms * 2^@attempt, capped at 30 s,
 * +-20% so that clients that failed together do not retry together.
 */
gint64
seedance_backoff_ms (guint base_ms, guint attempt)
{
  gint64 ms = base_ms;

  while (attempt-- > 0 && ms < RETRY_CEILING_MS)
    ms *= 2;
  ms = MIN (ms, RETRY_CEILING_MS);
  return ms + g_random_int_range (-(gint32) ms / 5, (gint32) ms / 5 + 1);
}
