import Foundation

/// Where everything of one real WordPress lives, all under one temporary
/// directory, and the configuration files of its servers. Nothing is read
/// from or written to /etc except nginx's stock `mime.types`, which is only
/// included.
///
/// WordPress itself runs from Debian's /usr/share/wordpress without the
/// Debian `wp-config.php` (which looks for /etc/wordpress/config-<host>.php):
/// the docroot `wordpress/` holds a symlink to every entry of
/// /usr/share/wordpress except `wp-config.php` (its own) and `wp-content`
/// (its own, with symlinks to the packaged themes and plugins, and its own
/// uploads). PHP resolves symlinks in `__DIR__`, so `wp-load.php` would set
/// ABSPATH to /usr/share/wordpress/ and load Debian's config: ABSPATH is set to
/// the docroot beforehand by `prepend.php`, PHP's `auto_prepend_file` for
/// php-fpm and the CLI alike, and `wp-load.php` keeps an ABSPATH already
/// defined.
struct ServerLayout {
    static let wordpressSource = "/usr/share/wordpress"

    let root: String
    let port: Int

    var home: String { "http://127.0.0.1:\(port)" }
    var docroot: String { "\(root)/wordpress" }
    var prepend: String { "\(root)/prepend.php" }
    var databaseDirectory: String { "\(root)/mysql" }
    var databaseSocket: String { "\(root)/mysqld.sock" }
    var databaseLog: String { "\(root)/mysqld.err" }
    var fpmConfig: String { "\(root)/php-fpm.conf" }
    var fpmSocket: String { "\(root)/php-fpm.sock" }
    var fpmLog: String { "\(root)/php-fpm.log" }
    var phpErrorLog: String { "\(root)/php-errors.log" }
    var nginxDirectory: String { "\(root)/nginx" }
    var nginxConfig: String { "\(root)/nginx/nginx.conf" }
    var nginxLog: String { "\(root)/nginx/error.log" }

    /// The docroot of symlinks, `wp-content`, and every configuration file.
    func write() throws {
        let files = FileManager.default
        try files.createDirectory(atPath: "\(docroot)/wp-content/uploads", withIntermediateDirectories: true)
        try files.createDirectory(atPath: nginxDirectory, withIntermediateDirectories: true)
        for entry in try files.contentsOfDirectory(atPath: Self.wordpressSource)
        where entry != "wp-config.php" && entry != "wp-content" {
            try files.createSymbolicLink(atPath: "\(docroot)/\(entry)", withDestinationPath: "\(Self.wordpressSource)/\(entry)")
        }
        for entry in ["themes", "plugins", "languages"] {
            try files.createSymbolicLink(atPath: "\(docroot)/wp-content/\(entry)",
                                         withDestinationPath: "\(Self.wordpressSource)/wp-content/\(entry)")
        }
        try wpConfig.write(toFile: "\(docroot)/wp-config.php", atomically: true, encoding: .utf8)
        try "<?php\nif (!defined('ABSPATH')) define('ABSPATH', '\(docroot)/');\n"
            .write(toFile: prepend, atomically: true, encoding: .utf8)
        try fpmConfigText.write(toFile: fpmConfig, atomically: true, encoding: .utf8)
        try nginxConfigText.write(toFile: nginxConfig, atomically: true, encoding: .utf8)
    }

    /// `mariadbd` on a unix socket only, with durability traded for speed: a
    /// test database dies with its test.
    var databaseArguments: [String] {
        ["--no-defaults", "--datadir=\(databaseDirectory)", "--socket=\(databaseSocket)", "--skip-networking",
         "--pid-file=\(root)/mysqld.pid", "--log-error=\(databaseLog)", "--user=root", "--skip-log-bin",
         "--innodb-buffer-pool-size=32M", "--innodb-flush-log-at-trx-commit=0", "--innodb-doublewrite=0",
         "--innodb-flush-method=nosync", "--skip-name-resolve"]
    }

    /// `php` CLI arguments that load WordPress the way php-fpm does.
    var phpArguments: [String] { ["-d", "auto_prepend_file=\(prepend)", "-d", "error_log=\(phpErrorLog)"] }

    /// A local environment (application passwords over plain http), no WP-Cron
    /// (a scheduled post stays scheduled), no updates, no outgoing requests
    /// but to this machine.
    var wpConfig: String {
        """
        <?php
        define('DB_NAME', 'wordpress');
        define('DB_USER', 'root');
        define('DB_PASSWORD', '');
        define('DB_HOST', 'localhost:\(databaseSocket)');
        define('DB_CHARSET', 'utf8mb4');
        define('DB_COLLATE', '');
        define('WP_HOME', '\(home)');
        define('WP_SITEURL', '\(home)');
        define('WP_CONTENT_DIR', '\(docroot)/wp-content');
        define('WP_ENVIRONMENT_TYPE', 'local');
        define('DISABLE_WP_CRON', true);
        define('AUTOMATIC_UPDATER_DISABLED', true);
        define('WP_AUTO_UPDATE_CORE', false);
        define('WP_HTTP_BLOCK_EXTERNAL', true);
        define('AUTH_KEY', 'feedwatch-test-1'); define('SECURE_AUTH_KEY', 'feedwatch-test-2');
        define('LOGGED_IN_KEY', 'feedwatch-test-3'); define('NONCE_KEY', 'feedwatch-test-4');
        define('AUTH_SALT', 'feedwatch-test-5'); define('SECURE_AUTH_SALT', 'feedwatch-test-6');
        define('LOGGED_IN_SALT', 'feedwatch-test-7'); define('NONCE_SALT', 'feedwatch-test-8');
        $table_prefix = 'wp_';
        require_once ABSPATH . 'wp-settings.php';

        """
    }

    /// One static pool of four (the RSS block fetches the site's own feed
    /// while a REST request waits), as root (`php-fpm -R`).
    var fpmConfigText: String {
        """
        [global]
        pid = \(root)/php-fpm.pid
        error_log = \(fpmLog)
        daemonize = no
        [wordpress]
        user = root
        group = root
        listen = \(fpmSocket)
        pm = static
        pm.max_children = 4
        clear_env = yes
        catch_workers_output = yes
        php_admin_value[auto_prepend_file] = \(prepend)
        php_admin_value[error_log] = \(phpErrorLog)
        php_admin_flag[log_errors] = on

        """
    }

    /// nginx in the foreground on 127.0.0.1 only, every path its own. The
    /// FastCGI parameters are its own too: Debian's `fastcgi_params` (since a
    /// security update) passes `HTTP_HOST` as `$host`, without the port, and
    /// WordPress then redirects every front-page request to the URL with the
    /// port, that is, to itself.
    var nginxConfigText: String {
        """
        daemon off;
        master_process on;
        worker_processes 1;
        user root;
        pid \(nginxDirectory)/nginx.pid;
        error_log \(nginxLog);
        events { worker_connections 64; }
        http {
            access_log \(nginxDirectory)/access.log;
            client_body_temp_path \(nginxDirectory)/client_body;
            proxy_temp_path \(nginxDirectory)/proxy;
            fastcgi_temp_path \(nginxDirectory)/fastcgi;
            uwsgi_temp_path \(nginxDirectory)/uwsgi;
            scgi_temp_path \(nginxDirectory)/scgi;
            include /etc/nginx/mime.types;
            server {
                listen 127.0.0.1:\(port);
                server_name 127.0.0.1;
                root \(docroot);
                index index.php;
                location / { try_files $uri $uri/ /index.php?$args; }
                location ~ \\.php$ {
                    try_files $uri =404;
                    fastcgi_param QUERY_STRING $query_string;
                    fastcgi_param REQUEST_METHOD $request_method;
                    fastcgi_param CONTENT_TYPE $content_type;
                    fastcgi_param CONTENT_LENGTH $content_length;
                    fastcgi_param SCRIPT_NAME $fastcgi_script_name;
                    fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;
                    fastcgi_param REQUEST_URI $request_uri;
                    fastcgi_param DOCUMENT_URI $document_uri;
                    fastcgi_param DOCUMENT_ROOT $document_root;
                    fastcgi_param SERVER_PROTOCOL $server_protocol;
                    fastcgi_param REQUEST_SCHEME $scheme;
                    fastcgi_param GATEWAY_INTERFACE CGI/1.1;
                    fastcgi_param SERVER_SOFTWARE nginx/$nginx_version;
                    fastcgi_param REMOTE_ADDR $remote_addr;
                    fastcgi_param REMOTE_PORT $remote_port;
                    fastcgi_param SERVER_ADDR $server_addr;
                    fastcgi_param SERVER_PORT $server_port;
                    fastcgi_param SERVER_NAME $server_name;
                    fastcgi_param REDIRECT_STATUS 200;
                    fastcgi_param HTTP_HOST $host:$server_port;
                    fastcgi_pass unix:\(fpmSocket);
                }
            }
        }

        """
    }
}
