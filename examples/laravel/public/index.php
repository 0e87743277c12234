<?php

declare(strict_types=1);

// The front controller: nginx sends every request that is not a file here.

require __DIR__ . '/../bootstrap/app.php';

$routes = require base_path('routes/web.php');
$path = parse_url($_SERVER['REQUEST_URI'] ?? '/', PHP_URL_PATH) ?: '/';
$route = ($_SERVER['REQUEST_METHOD'] ?? 'GET') . ' ' . $path;

try {
    [$status, $type, $body] = isset($routes[$route])
        ? $routes[$route]()
        : [404, 'text/plain', "Not Found\n"];
} catch (Throwable $e) {
    error_log((string) $e);
    [$status, $type, $body] = [500, 'text/plain', "Server Error\n"];
}

http_response_code($status);
header("Content-Type: $type; charset=utf-8");
echo $body;
