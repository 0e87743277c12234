<?php

declare(strict_types=1);

namespace App\Jobs;

/** A job that takes a while: `ms` milliseconds of "work". */
final class ProcessPodcast
{
    /** @param array<string, mixed> $payload */
    public function handle(array $payload): void
    {
        // A deadline, not one usleep(): a signal (SIGTERM asking the worker to stop) interrupts
        // a sleep, and the job must still run to its end.
        $until = hrtime(true) + (int) ($payload['ms'] ?? 100) * 1_000_000;
        while (($left = $until - hrtime(true)) > 0) {
            usleep(intdiv($left, 1000));
        }
    }
}
