<?php

declare(strict_types=1);

namespace App;

/**
 * A database queue in the manner of Laravel's `database` driver: a job is a row; a worker
 * claims the oldest free one in a single UPDATE, so two workers never get the same job.
 */
final class Queue
{
    /** @param array<string, mixed> $payload */
    public static function push(string $job, array $payload): int
    {
        $db = Database::connection();
        $db->prepare('INSERT INTO jobs (job, payload, queued_at) VALUES (?, ?, ?)')
            ->execute([$job, json_encode($payload, JSON_THROW_ON_ERROR), microtime(true)]);
        return (int) $db->lastInsertId();
    }

    /** @return array{id: int, job: string, payload: array<string, mixed>}|null */
    public static function reserve(string $worker): ?array
    {
        $row = Database::connection()->query(
            'UPDATE jobs SET reserved_by = ' . Database::connection()->quote($worker)
            . ', reserved_at = ' . microtime(true)
            . ' WHERE id = (SELECT id FROM jobs WHERE reserved_by IS NULL ORDER BY id LIMIT 1)'
            . ' RETURNING id, job, payload',
        )->fetch();
        if ($row === false) {
            return null;
        }
        return [
            'id' => (int) $row['id'],
            'job' => $row['job'],
            'payload' => json_decode($row['payload'], true, 512, JSON_THROW_ON_ERROR),
        ];
    }

    public static function complete(int $id): void
    {
        Database::connection()
            ->prepare('UPDATE jobs SET processed_at = ? WHERE id = ?')
            ->execute([microtime(true), $id]);
    }

    /** @return array{queued: int, reserved: int, processed: int, by_worker: array<string, int>} */
    public static function stats(): array
    {
        $db = Database::connection();
        $count = static fn (string $where): int => (int) $db->query("SELECT count(*) FROM jobs WHERE $where")->fetchColumn();
        $byWorker = [];
        foreach ($db->query('SELECT reserved_by, count(*) AS n FROM jobs WHERE processed_at IS NOT NULL GROUP BY reserved_by') as $row) {
            $byWorker[$row['reserved_by']] = (int) $row['n'];
        }
        return [
            'queued' => $count('reserved_by IS NULL'),
            'reserved' => $count('reserved_by IS NOT NULL AND processed_at IS NULL'),
            'processed' => $count('processed_at IS NOT NULL'),
            'by_worker' => $byWorker,
        ];
    }
}
