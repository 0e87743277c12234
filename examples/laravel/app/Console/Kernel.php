<?php

declare(strict_types=1);

namespace App\Console;

use App\Database;
use App\Queue;

/** What `php artisan schedule:run` runs: in Laravel, the schedule in routes/console.php. */
final class Kernel
{
    /** @return array<string, callable(): void> task name => task, each due every minute */
    public static function schedule(): array
    {
        return [
            'record-heartbeat' => static function (): void {
                Database::connection()
                    ->prepare('INSERT INTO schedule_runs (task, ran_at) VALUES (?, ?)')
                    ->execute(['record-heartbeat', microtime(true)]);
            },
            'prune-processed-jobs' => static function (): void {
                Database::connection()
                    ->prepare('DELETE FROM jobs WHERE processed_at < ?')
                    ->execute([microtime(true) - 86400]);
            },
            'report-queue' => static function (): void {
                $stats = Queue::stats();
                echo "queue: {$stats['queued']} waiting, {$stats['processed']} processed\n";
            },
        ];
    }
}
