<?php
// Installs WordPress into the empty database named in wp-config.php: the site,
// its administrator, pretty permalinks, and settings the content relies on.
// Run by `php` CLI with ABSPATH defined by the harness's auto_prepend_file.
define('WP_INSTALLING', true);
$_SERVER['HTTP_HOST'] = parse_url(getenv('FEEDWATCH_WP_HOME'), PHP_URL_HOST);
require ABSPATH . 'wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
// Pluggable: no mail (there is no sendmail here) and no HTTP request to test permalinks.
function wp_new_blog_notification($blog_title, $blog_url, $user_id, $password) {}
add_filter('pre_http_request', function () { return new WP_Error('offline', 'no requests while installing'); });

$result = wp_install('feedwatch real WordPress', 'admin', 'admin@example.org', true, '', 'admin-password');
global $wp_rewrite;
$wp_rewrite->set_permalink_structure('/%postname%/');
$wp_rewrite->flush_rules(false);
update_option('timezone_string', 'UTC');
update_option('gmt_offset', 0);
update_option('date_format', 'F j, Y');
update_option('default_comment_status', 'open');
update_option('comment_moderation', 0);
update_option('comment_previously_approved', 0);
update_option('thread_comments', 1);
echo json_encode(['user_id' => $result['user_id'], 'version' => get_bloginfo('version'),
                  'theme' => get_option('template')]), "\n";
