<?php

declare(strict_types=1);

namespace App;

use PDO;

/** The SQLite database in storage/, shared by the web pages, the workers and the scheduler. */
final class Database
{
    private static ?PDO $pdo = null;

    public static function path(): string
    {
        return storage_path('database.sqlite');
    }

    public static function connection(): PDO
    {
        if (self::$pdo === null) {
            $pdo = new PDO('sqlite:' . self::path(), null, null, [
                PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION,
                PDO::ATTR_DEFAULT_FETCH_MODE => PDO::FETCH_ASSOC,
            ]);
            // Several processes write at once: wait for a lock rather than fail with "busy",
            // and let readers (the web pages) read while a worker writes.
            $pdo->exec('PRAGMA busy_timeout = 5000');
            $pdo->exec('PRAGMA journal_mode = WAL');
            self::$pdo = $pdo;
        }
        return self::$pdo;
    }
}
