// A small ActivityPub server built with Fedify (an independent implementation), for the suite's
// fediverse tests (tests/support/fedify_peer.py starts it with Node).
//
// Its actor "peer" follows Treffpunkt's actors, Fedify verifies the HTTP signatures of what
// arrives in its inboxes (a bad one never reaches the listeners below), and the test reads what
// arrived. Control addresses for the test (never federation): POST /_follow?actor=<url or
// name@host>, POST /_unfollow?actor=<url>, GET /_lookup?uri=<url> (what `fedify lookup` does),
// GET /_received. Prints "LISTENING <port>" once it serves.
import http from "node:http";
import { Temporal } from "@js-temporal/polyfill";
import {
  createFederation,
  generateCryptoKeyPair,
  MemoryKvStore,
} from "@fedify/fedify";
import {
  Accept,
  Announce,
  Create,
  Delete,
  Endpoints,
  Event,
  Follow,
  Place,
  Person,
  Undo,
  Update,
} from "@fedify/vocab";
import { getDocumentLoader } from "@fedify/vocab-runtime";

// what a lookup reads fresh (`fedify lookup` caches nothing); the federation's loader caches
const freshLoader = getDocumentLoader({ allowPrivateAddress: true });

const received = [];
const followed = new Map(); // actor id -> Follow id
const followers = new Map(); // actor id -> its actor object (who follows "peer")
const events = new Map(); // id -> Event the peer publishes
let keys = null;

const federation = createFederation({
  kv: new MemoryKvStore(),
  allowPrivateAddress: true, // Treffpunkt runs on 127.0.0.1 in the tests
});

federation
  .setActorDispatcher("/users/{identifier}", async (ctx, identifier) => {
    if (identifier !== "peer") return null;
    const pairs = await ctx.getActorKeyPairs(identifier);
    return new Person({
      id: ctx.getActorUri(identifier),
      preferredUsername: identifier,
      name: "Fedify test peer",
      inbox: ctx.getInboxUri(identifier),
      endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
      followers: ctx.getFollowersUri(identifier),
      publicKey: pairs[0].cryptographicKey,
      assertionMethods: pairs.map((p) => p.multikey),
    });
  })
  .setKeyPairsDispatcher(async (_ctx, identifier) => {
    if (identifier !== "peer") return [];
    keys ??= await generateCryptoKeyPair("RSASSA-PKCS1-v1_5");
    return [keys];
  });

federation.setFollowersDispatcher("/users/{identifier}/followers", async () => ({ items: [...followers.values()] }));

federation.setObjectDispatcher(Event, "/events/{id}", (_ctx, values) => events.get(values.id) ?? null);

function makeEvent(ctx, id, params) {
  return new Event({
    id: ctx.getObjectUri(Event, { id }),
    attribution: ctx.getActorUri("peer"),
    name: params.get("name"),
    content: `<p>${params.get("name")} beim Fedify-Testpeer</p>`,
    startTime: Temporal.Instant.from(params.get("start")),
    endTime: Temporal.Instant.from(params.get("end")),
    location: new Place({ name: "Volkshaus Jena" }),
    to: new URL("https://www.w3.org/ns/activitystreams#Public"),
  });
}

async function record(kind, ctx, activity) {
  const object = await activity.getObject({ documentLoader: ctx.documentLoader }).catch(() => null);
  received.push({
    type: kind,
    id: activity.id?.href ?? null,
    actor: activity.actorId?.href ?? null,
    objectId: activity.objectId?.href ?? object?.id?.href ?? null,
    object: object ? await object.toJsonLd({ format: "compact" }) : null,
  });
}

federation
  .setInboxListeners("/users/{identifier}/inbox", "/inbox")
  .on(Follow, async (ctx, follow) => {
    const follower = await follow.getActor();
    if (follower == null || follow.objectId?.href !== ctx.getActorUri("peer").href) return;
    followers.set(follower.id.href, follower);
    received.push({ type: "Follow", id: follow.id?.href ?? null, actor: follower.id.href });
    await ctx.sendActivity({ identifier: "peer" }, follower, new Accept({
      id: new URL(`#accept-${Date.now()}`, ctx.getActorUri("peer")),
      actor: ctx.getActorUri("peer"),
      object: follow,
    }));
  })
  .on(Accept, (ctx, a) => record("Accept", ctx, a))
  .on(Create, (ctx, a) => record("Create", ctx, a))
  .on(Update, (ctx, a) => record("Update", ctx, a))
  .on(Delete, async (_ctx, a) => {
    received.push({ type: "Delete", id: a.id?.href ?? null, actor: a.actorId?.href ?? null, objectId: a.objectId?.href ?? null });
  })
  .on(Announce, (ctx, a) => record("Announce", ctx, a));

async function resolve(ctx, given) {
  // Fedify's WebFinger lookup always asks https for acct: names; the tests serve plain http,
  // so the JRD is fetched here and its self link looked up.
  let address = given;
  if (!given.startsWith("http")) {
    const [name, host] = given.replace(/^acct:/, "").replace(/^@/, "").split("@");
    const jrd = await (await fetch(`http://${host}/.well-known/webfinger?resource=acct:${name}@${host}`)).json();
    address = jrd.links.find((l) => l.rel === "self").href;
  }
  return await ctx.lookupObject(address);
}

async function control(request, url) {
  const ctx = federation.createContext(request, undefined);
  const json = (data, status = 200) =>
    new Response(JSON.stringify(data), { status, headers: { "content-type": "application/json" } });
  if (url.pathname === "/_received") return json(received);
  if (["/_publish", "/_update", "/_delete"].includes(url.pathname)) {
    const id = url.searchParams.get("id");
    const me = ctx.getActorUri("peer");
    const stamp = `#${url.pathname.slice(2)}-${id}-${Date.now()}`;
    let activity;
    if (url.pathname === "/_delete") {
      const gone = events.get(id);
      events.delete(id);
      activity = new Delete({ id: new URL(stamp, me), actor: me, object: gone.id });
    } else {
      const event = makeEvent(ctx, id, url.searchParams);
      events.set(id, event);
      const Kind = url.pathname === "/_publish" ? Create : Update;
      activity = new Kind({ id: new URL(stamp, me), actor: me, object: event, to: new URL("https://www.w3.org/ns/activitystreams#Public") });
    }
    await ctx.sendActivity({ identifier: "peer" }, "followers", activity);
    return json({ sent: activity.id.href, followers: followers.size });
  }
  if (url.pathname === "/_lookup") {
    const found = await ctx.lookupObject(url.searchParams.get("uri"), { documentLoader: freshLoader });
    if (found == null) return json({ error: "not found" }, 404);
    return json({ className: found.constructor.name, document: await found.toJsonLd({ format: "compact" }) });
  }
  const target = await resolve(ctx, url.searchParams.get("actor"));
  if (target == null) return json({ error: "actor not found" }, 404);
  const me = ctx.getActorUri("peer");
  if (url.pathname === "/_follow") {
    const follow = new Follow({ id: new URL(`#follow-${Date.now()}`, me), actor: me, object: target.id });
    await ctx.sendActivity({ identifier: "peer" }, target, follow);
    followed.set(target.id.href, follow);
    return json({ followed: target.id.href, inbox: target.inboxId?.href });
  }
  if (url.pathname === "/_unfollow") {
    const follow = followed.get(target.id.href);
    const undo = new Undo({ id: new URL(`#undo-${Date.now()}`, me), actor: me, object: follow });
    await ctx.sendActivity({ identifier: "peer" }, target, undo);
    return json({ unfollowed: target.id.href });
  }
  return json({ error: "unknown" }, 404);
}

const server = http.createServer(async (req, res) => {
  try {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url, `http://${req.headers.host}`);
    const request = new Request(url, {
      method: req.method,
      headers: req.headers,
      body: ["GET", "HEAD"].includes(req.method) ? undefined : body,
    });
    const response = url.pathname.startsWith("/_")
      ? await control(request, url)
      : await federation.fetch(request, { contextData: undefined });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  } catch (error) {
    res.writeHead(500, { "content-type": "text/plain" });
    res.end(String(error?.stack ?? error));
  }
});

server.listen(0, "127.0.0.1", () => {
  console.log(`LISTENING ${server.address().port}`);
});
