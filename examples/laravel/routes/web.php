<?php

declare(strict_types=1);

use App\Database;
use App\Queue;

// Method and path => handler returning [status, content type, body], as a tiny router would.
return [
    'GET /' => static fn (): array => [200, 'text/html', sprintf(
        "<!doctype html><title>phpeek-pm</title>\n<h1>Hello from PHP %s</h1>\n"
        . "<p>Rendered by %s, worker pid %d, at %s.</p>\n",
        PHP_VERSION,
        PHP_SAPI,
        getmypid(),
        gmdate('Y-m-d\TH:i:s\Z'),
    )],

    // Laravel 11's health route; nginx's readiness probe goes through the whole stack to it.
    'GET /up' => static fn (): array => [200, 'text/plain', "OK\n"],

    // A request that takes a while, to see a graceful stop let it finish.
    'GET /slow' => static function (): array {
        $ms = min(30_000, max(0, (int) ($_GET['ms'] ?? 1500)));
        file_put_contents('php://stderr', "slow request started ({$ms} ms)\n");
        $until = hrtime(true) + $ms * 1_000_000;
        while (($left = $until - hrtime(true)) > 0) {
            usleep(intdiv($left, 1000));
        }
        return [200, 'text/plain', "slept {$ms} ms\n"];
    },

    // Dispatch jobs, as a controller calling ProcessPodcast::dispatch() would.
    'POST /jobs' => static function (): array {
        $count = min(1000, max(1, (int) ($_GET['count'] ?? 1)));
        $ms = min(10_000, max(0, (int) ($_GET['ms'] ?? 100)));
        $ids = [];
        for ($i = 0; $i < $count; $i++) {
            $ids[] = Queue::push('ProcessPodcast', ['ms' => $ms]);
        }
        return [202, 'application/json', json_encode(['queued' => $ids])];
    },

    'GET /stats' => static function (): array {
        $db = Database::connection();
        return [200, 'application/json', json_encode([
            'queue' => Queue::stats(),
            'migrations' => $db->query('SELECT migration, batch FROM migrations ORDER BY id')->fetchAll(),
            'schedule_runs' => (int) $db->query('SELECT count(*) FROM schedule_runs')->fetchColumn(),
        ], JSON_PRETTY_PRINT)];
    },
];
