/** Formats `worker status` for a terminal. */
import type { QueueStatus } from "../../queue/read-queue-status.js";
import { JOB_STATUSES } from "../../queue/types.js";

export function formatQueueStatus(status: QueueStatus): string {
  const lines = JOB_STATUSES.map((name) => `  ${name.padEnd(11)} ${status.counts[name]}`);
  lines.push(`  ${"dead letter".padEnd(11)} ${status.deadLetterCount}`);
  const oldest = status.oldestQueuedSeconds === null ? "none queued" : `${formatSeconds(status.oldestQueuedSeconds)} ago`;

  const running = status.running.map((job) => {
    const lease =
      job.leaseRemainingSeconds === null
        ? "no lease"
        : job.leaseRemainingSeconds >= 0
          ? `lease ends in ${formatSeconds(job.leaseRemainingSeconds)}`
          : `lease expired ${formatSeconds(-job.leaseRemainingSeconds)} ago`;
    return `  job ${job.id} (${job.jobType}) on ${job.runner ?? "unknown runner"}, held ${formatSeconds(job.heldSeconds)}, ${lease}`;
  });

  return [
    "Jobs by status:",
    ...lines,
    `Oldest queued job: ${oldest}`,
    `Overdue (ready for over a minute, not claimed): ${status.overdueCount}`,
    `Completed in the last 5 min: ${status.completedLast5Minutes}, last 60 min: ${status.completedLast60Minutes}`,
    `Running jobs: ${status.running.length}`,
    ...running,
    "",
  ].join("\n");
}

function formatSeconds(seconds: number): string {
  if (seconds < 120) return `${seconds.toFixed(1)} s`;
  if (seconds < 7200) return `${(seconds / 60).toFixed(1)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}
