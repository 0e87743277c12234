<?php

declare(strict_types=1);

// What Laravel's bootstrap/app.php and Composer's autoloader do here, without dependencies:
// know where things are and load the application's classes.

define('APP_BASE_PATH', dirname(__DIR__));

/** Writable state (database, logs): $APP_STATE_DIR, else storage/ as in Laravel. */
function storage_path(string $path = ''): string
{
    $dir = getenv('APP_STATE_DIR') ?: APP_BASE_PATH . '/storage';
    return $path === '' ? $dir : $dir . '/' . $path;
}

function base_path(string $path = ''): string
{
    return $path === '' ? APP_BASE_PATH : APP_BASE_PATH . '/' . $path;
}

/** Who is running this code: the instance id phpeek-pm gives each replica, and the pid. */
function worker_identity(): string
{
    return (getenv('PHPEEK_PM_INSTANCE_ID') ?: 'cli') . ' (pid ' . getmypid() . ')';
}

spl_autoload_register(static function (string $class): void {
    if (str_starts_with($class, 'App\\')) {
        $file = base_path('app/' . str_replace('\\', '/', substr($class, 4)) . '.php');
        if (is_file($file)) {
            require $file;
        }
    }
});
