<?php

declare(strict_types=1);

return new class {
    public function up(PDO $db): void
    {
        $db->exec('CREATE TABLE schedule_runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            task TEXT NOT NULL,
            ran_at REAL NOT NULL
        )');
    }
};
