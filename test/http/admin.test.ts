import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { listDeadLetters } from "../../src/queue/dead-letters.js";
import { readQueueStatus } from "../../src/queue/read-queue-status.js";
import { loadDialectTargets } from "../helpers/db.js";
import { adminHeaders, bearerHeader, countRows, createDeadLetters, drainQueue, FAILING_JOB, startHttpFixture, type HttpFixture } from "./http-fixture.js";

const targets = await loadDialectTargets();

interface ErrorResponse {
  error: { code: string; field?: string; message: string };
}

describe.each(targets)("admin API on $label", (target) => {
  let fixture: HttpFixture;

  beforeAll(async () => {
    if (target.skipReason) return;
    fixture = await startHttpFixture(target);
    await createDeadLetters(fixture.engine.db, 2);
  });
  afterAll(async () => {
    await fixture?.close();
  });

  it.skipIf(target.skipReason)("returns the worker status figures", async () => {
    const response = await fetch(`${fixture.base}/api/queue`, { headers: adminHeaders() });
    const body = (await response.json()) as Awaited<ReturnType<typeof readQueueStatus>>;
    const expected = await readQueueStatus(fixture.engine.db);
    expect(response.status).toBe(200);
    expect(body.counts).toEqual(expected.counts);
    expect(body.counts.completed).toBe(2);
    expect(body.counts.failed).toBe(2);
    expect(body.deadLetterCount).toBe(2);
    expect(body.completedLast60Minutes).toBe(2);
    expect(Object.keys(body).sort()).toEqual(Object.keys(expected).sort());
  });

  it.skipIf(target.skipReason)("returns per-minute completions and failures", async () => {
    const response = await fetch(`${fixture.base}/api/queue/history`, { headers: adminHeaders() });
    const body = (await response.json()) as { minutes: { minutesAgo: number; completed: number; failed: number }[] };
    expect(response.status).toBe(200);
    expect(body.minutes).toHaveLength(60);
    expect(body.minutes.reduce((sum, minute) => sum + minute.completed, 0)).toBe(2);
    expect(body.minutes.reduce((sum, minute) => sum + minute.failed, 0)).toBe(2);
  });

  it.skipIf(target.skipReason)("lists and retries a dead letter", async () => {
    const list = await fetch(`${fixture.base}/api/dead-letter?limit=10`, { headers: adminHeaders() });
    const { deadLetters } = (await list.json()) as { deadLetters: { id: string; jobType: string; reason: string }[] };
    expect(list.status).toBe(200);
    expect(deadLetters).toHaveLength(2);
    expect(deadLetters[0]?.jobType).toBe(FAILING_JOB);
    expect(deadLetters[0]?.reason).toContain("remote feed unreachable");

    const id = deadLetters[0]?.id as string;
    const retry = await fetch(`${fixture.base}/api/dead-letter/${id}/retry`, { method: "POST", headers: bearerHeader() });
    expect(retry.status).toBe(200);
    expect(await retry.json()).toEqual({ id, retried: true, skippedAsDuplicate: false });
    const left = await listDeadLetters(fixture.engine.db);
    expect(left.map((letter) => letter.id)).not.toContain(id);
    expect(left).toHaveLength(1);
    const status = await readQueueStatus(fixture.engine.db);
    expect(status.counts.queued).toBe(1);

    const again = await fetch(`${fixture.base}/api/dead-letter/${id}/retry`, { method: "POST", headers: bearerHeader() });
    expect(again.status).toBe(404);
    expect(((await again.json()) as ErrorResponse).error.field).toBe("id");
  });

  it.skipIf(target.skipReason)("adds, updates and deletes a post", async () => {
    const post = { url: "https://example.com/glaze", title: "Glazes", content: "A glaze melts into glass on the pot." };
    const added = await fetch(`${fixture.base}/api/posts`, { method: "POST", headers: adminHeaders(), body: JSON.stringify(post) });
    const addedBody = (await added.json()) as { id: string; outcome: string; enqueued: boolean };
    expect(added.status).toBe(201);
    expect(addedBody.outcome).toBe("added");
    expect(addedBody.enqueued).toBe(true);
    await drainQueue(fixture.engine);
    const found = (await (await fetch(`${fixture.base}/search?q=glaze`)).json()) as { results: { id: string }[] };
    expect(found.results[0]?.id).toBe(addedBody.id);

    const unchanged = await fetch(`${fixture.base}/api/posts`, { method: "POST", headers: adminHeaders(), body: JSON.stringify(post) });
    expect(unchanged.status).toBe(200);
    expect(await unchanged.json()).toEqual({ id: addedBody.id, outcome: "unchanged", enqueued: false });

    const changed = { ...post, content: "A glaze melts into glass; ash glazes run." };
    const updated = await fetch(`${fixture.base}/api/posts`, { method: "POST", headers: adminHeaders(), body: JSON.stringify(changed) });
    expect(updated.status).toBe(200);
    expect(await updated.json()).toEqual({ id: addedBody.id, outcome: "updated", enqueued: true });

    const deleted = await fetch(`${fixture.base}/api/posts/${addedBody.id}`, { method: "DELETE", headers: bearerHeader() });
    expect(deleted.status).toBe(200);
    expect(await deleted.json()).toEqual({ id: addedBody.id, deleted: true });
    const gone = await fetch(`${fixture.base}/api/posts/${addedBody.id}`, { method: "DELETE", headers: bearerHeader() });
    expect(gone.status).toBe(404);
    const after = (await (await fetch(`${fixture.base}/search?q=glaze`)).json()) as { results: { id: string }[] };
    expect(after.results.map((result) => result.id)).not.toContain(addedBody.id);
  });

  it.skipIf(target.skipReason)("keeps ids above 2^53 exact", async () => {
    const before = await countRows(fixture.engine.db);
    for (const id of ["9007199254740993", "18446744073709551615"]) {
      const response = await fetch(`${fixture.base}/api/posts/${id}`, { method: "DELETE", headers: bearerHeader() });
      const body = (await response.json()) as ErrorResponse;
      expect(response.status, id).toBe(404);
      expect(body.error.message, id).toBe(`No post with id ${id}.`);
    }
    expect(await countRows(fixture.engine.db)).toEqual(before);
  });
});

describe.each(targets.filter((target) => target.dialect === "sqlite"))("admin API without a token on $label", (target) => {
  let fixture: HttpFixture;

  beforeAll(async () => {
    fixture = await startHttpFixture(target, { adminToken: undefined });
  });
  afterAll(async () => {
    await fixture?.close();
  });

  it("returns 403 even with a token", async () => {
    const before = await countRows(fixture.engine.db);
    const requests: [string, RequestInit][] = [
      ["/api/queue", {}],
      ["/api/queue/history", {}],
      ["/api/dead-letter", { headers: adminHeaders() }],
      ["/api/dead-letter/1/retry", { method: "POST", headers: adminHeaders() }],
      ["/api/posts", { method: "POST", headers: adminHeaders(), body: JSON.stringify({ url: "https://example.com/x", title: "x", content: "x" }) }],
      ["/api/posts/1", { method: "DELETE", headers: adminHeaders() }],
    ];
    for (const [path, init] of requests) {
      const response = await fetch(`${fixture.base}${path}`, init);
      const body = (await response.json()) as ErrorResponse;
      expect(response.status, path).toBe(403);
      expect(body.error.code, path).toBe("ADMIN_DISABLED");
    }
    expect(await countRows(fixture.engine.db)).toEqual(before);
  });
});
