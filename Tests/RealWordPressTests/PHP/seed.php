<?php
// Writes the test site's content: posts with every core dynamic block of
// issue 10, blocks numbered by wp_unique_id() (duotone, archives, gallery,
// layout containers, search), shortcodes, a password-protected, a sticky and a
// scheduled post, pages, classic posts, comments; an editor `monitor` with an
// application password. Prints {"ids": {key: id}, "password": "..."} as JSON.
require ABSPATH . 'wp-load.php';
require_once ABSPATH . 'wp-admin/includes/image.php';
require_once ABSPATH . 'wp-admin/includes/post.php';

$home = home_url();
$ids = [];
$admin = 1;

$monitor = wp_insert_user(['user_login' => 'monitor', 'user_pass' => wp_generate_password(24),
                           'user_email' => 'monitor@example.org', 'role' => 'editor']);
$author = wp_insert_user(['user_login' => 'alice', 'user_pass' => wp_generate_password(24),
                          'user_email' => 'alice@example.org', 'role' => 'author', 'display_name' => 'Alice Author']);
list($password, $item) = WP_Application_Passwords::create_new_application_password($monitor, ['name' => 'feedwatch']);

$news = wp_insert_term('News', 'category')['term_id'];
$sport = wp_insert_term('Sport', 'category')['term_id'];
wp_insert_term('Politics', 'category');

// Two images, made with GD, as attachments.
$uploads = wp_upload_dir();
$images = [];
foreach (['red' => [200, 40, 40], 'blue' => [40, 40, 200]] as $name => $rgb) {
    $file = $uploads['path'] . "/$name.png";
    $gd = imagecreatetruecolor(64, 48);
    imagefill($gd, 0, 0, imagecolorallocate($gd, $rgb[0], $rgb[1], $rgb[2]));
    imagepng($gd, $file);
    $attachment = wp_insert_attachment(['post_title' => "$name square", 'post_mime_type' => 'image/png',
                                        'post_status' => 'inherit'], $file, 0);
    wp_update_attachment_metadata($attachment, wp_generate_attachment_metadata($attachment, $file));
    $images[$name] = ['id' => $attachment, 'url' => wp_get_attachment_url($attachment)];
}
$red = $images['red'];
$blue = $images['blue'];

function duotone_image($image) {
    return '<!-- wp:image {"id":' . $image['id'] . ',"sizeSlug":"full","style":{"color":{"duotone":["#000000","#ffffff"]}}} -->'
        . "\n" . '<figure class="wp-block-image size-full"><img src="' . $image['url'] . '" alt="" class="wp-image-' . $image['id'] . '"/></figure>'
        . "\n" . '<!-- /wp:image -->';
}
function paragraph($text) {
    return "<!-- wp:paragraph -->\n<p>$text</p>\n<!-- /wp:paragraph -->";
}

$day = 86400;
$now = time();
// Each post: key => [title, content, extra]; dates spread over months for
// Archives and Calendar, the newest in the current month.
$posts = [
    // First (lowest ids, oldest): the posts the lifecycle scenarios unpublish,
    // restore, trash and touch; they carry counters that shift the later posts'.
    'counter-victim' => ['Counter victim', duotone_image($red) . "\n" . '<!-- wp:archives {"displayAsDropdown":true} /-->' . "\n" . paragraph('A post others are numbered after.'), 200],
    'trash-victim' => ['Trash victim', duotone_image($blue) . "\n" . '<!-- wp:archives {"displayAsDropdown":true,"showPostCounts":true} /-->' . "\n" . paragraph('A post to trash.'), 190],
    'touch-victim' => ['Touch victim', duotone_image($red) . "\n" . '<!-- wp:archives {"displayAsDropdown":true} /-->' . "\n" . paragraph('A post saved again unchanged.'), 185],
    'classic' => ['A classic post', "<p>Written in the classic editor, no blocks at all.</p>\n\n<p>Second paragraph with <a href=\"$home/\">a link home</a> and <strong>bold</strong> text.</p>\n\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>", 180],
    'classic-2' => ['Another classic post', "Plain text paragraphs, the way wpautop wants them.\n\nA second one, with an image: <img src=\"{$red['url']}\" alt=\"red\" width=\"64\" height=\"48\" />", 170],
    'shortcodes' => ['Shortcodes', "[caption id=\"attachment_{$red['id']}\" align=\"alignnone\" width=\"64\"]<img class=\"size-full wp-image-{$red['id']}\" src=\"{$red['url']}\" alt=\"\" width=\"64\" height=\"48\" /> A red square, captioned[/caption]\n\n[gallery ids=\"{$red['id']},{$blue['id']}\" columns=\"2\"]\n\n[embed]{$home}/a-classic-post/[/embed]\n\n[embed]{$home}/wp-content/uploads/movie.mp4[/embed]\n\nThe end of the shortcodes.", 160],
    'block' => ['A block post', "<!-- wp:heading -->\n<h2>A heading</h2>\n<!-- /wp:heading -->\n\n" . paragraph('The first paragraph of a plain block post.') . "\n\n<!-- wp:list -->\n<ul><li>alpha</li><li>beta</li></ul>\n<!-- /wp:list -->\n\n<!-- wp:quote -->\n<blockquote class=\"wp-block-quote\"><p>A quotation.</p></blockquote>\n<!-- /wp:quote -->", 150],
    'latest-posts' => ['Latest posts block', '<!-- wp:latest-posts {"displayPostDate":true,"displayAuthor":true} /-->', 140],
    'query-loop' => ['Query loop block', '<!-- wp:query {"queryId":1,"query":{"perPage":2,"pages":0,"offset":0,"postType":"post","order":"desc","orderBy":"date","author":"","search":"","exclude":[],"sticky":"","inherit":false}} -->
<div class="wp-block-query"><!-- wp:post-template -->
<!-- wp:post-title {"isLink":true} /-->
<!-- wp:post-date /-->
<!-- /wp:post-template -->

<!-- wp:query-pagination -->
<!-- wp:query-pagination-previous /-->
<!-- wp:query-pagination-numbers /-->
<!-- wp:query-pagination-next /-->
<!-- /wp:query-pagination --></div>
<!-- /wp:query -->', 130],
    'archives' => ['Archives blocks', '<!-- wp:archives {"showPostCounts":true} /-->' . "\n\n" . '<!-- wp:archives {"displayAsDropdown":true} /-->', 120],
    'calendar' => ['Calendar block', '<!-- wp:calendar /-->', 110],
    'categories' => ['Categories block', '<!-- wp:categories {"showPostCounts":true} /-->' . "\n\n" . '<!-- wp:categories {"displayAsDropdown":true,"showPostCounts":true} /-->', 100],
    'tag-cloud' => ['Tag cloud block', '<!-- wp:tag-cloud /-->', 90],
    'latest-comments' => ['Latest comments block', '<!-- wp:latest-comments {"displayDate":true,"displayExcerpt":true} /-->', 80],
    'page-list' => ['Page list block', '<!-- wp:page-list /-->', 70],
    'rss' => ['RSS block', '<!-- wp:rss {"feedURL":"' . $home . '/feed/","itemsToShow":3} /-->' . "\n\n" . '<!-- wp:rss {"feedURL":"http://127.0.0.1:9/closed.xml"} /-->', 60],
    'loginout' => ['Login out block', '<!-- wp:loginout /-->' . "\n\n" . '<!-- wp:loginout {"displayLoginAsForm":true} /-->', 50],
    'post-date' => ['Post date block', '<!-- wp:post-date /-->' . "\n\n" . '<!-- wp:post-date {"format":"l, F j, Y g:i a"} /-->' . "\n\n" . paragraph('Dated above, in the site\'s format and timezone.'), 40],
    'comment-form' => ['Comment form block', paragraph('Comments are open; the form follows.') . "\n\n" . '<!-- wp:post-comments-form /-->', 30],
    'counters' => ['Counter blocks', duotone_image($red) . "\n\n"
        . '<!-- wp:gallery {"linkTo":"none","style":{"color":{"duotone":["#ff0000","#0000ff"]}}} -->' . "\n" . '<figure class="wp-block-gallery has-nested-images columns-default is-cropped">'
        . duotone_image($blue) . '</figure>' . "\n" . '<!-- /wp:gallery -->' . "\n\n"
        . '<!-- wp:cover {"url":"' . $blue['url'] . '","id":' . $blue['id'] . ',"dimRatio":50,"style":{"color":{"duotone":["#000000","#00ff00"]}}} -->' . "\n"
        . '<div class="wp-block-cover"><span aria-hidden="true" class="wp-block-cover__background has-background-dim"></span><img class="wp-block-cover__image-background wp-image-' . $blue['id'] . '" alt="" src="' . $blue['url'] . '" data-object-fit="cover"/><div class="wp-block-cover__inner-container">'
        . paragraph('Cover text') . '</div></div>' . "\n" . '<!-- /wp:cover -->' . "\n\n"
        . '<!-- wp:group {"layout":{"type":"constrained","contentSize":"400px"}} -->' . "\n" . '<div class="wp-block-group">' . paragraph('Grouped, with a layout container.') . '</div>' . "\n" . '<!-- /wp:group -->' . "\n\n"
        . '<!-- wp:columns -->' . "\n" . '<div class="wp-block-columns"><!-- wp:column -->' . "\n" . '<div class="wp-block-column">' . paragraph('Left') . '</div>' . "\n" . '<!-- /wp:column -->' . "\n\n" . '<!-- wp:column -->' . "\n" . '<div class="wp-block-column">' . paragraph('Right') . '</div>' . "\n" . '<!-- /wp:column --></div>' . "\n" . '<!-- /wp:columns -->' . "\n\n"
        . '<!-- wp:search {"label":"Search","buttonText":"Search"} /-->' . "\n\n"
        . '<!-- wp:archives {"displayAsDropdown":true} /-->', 20],
    'protected' => ['A protected post', paragraph('Only readers with the password see this.'), 15],
    'sticky' => ['A sticky post', paragraph('Stuck to the top of the blog.'), 10],
    'today' => ['Published today', paragraph('A post of the current day, for the calendar.'), 0],
];

foreach ($posts as $key => [$title, $content, $daysAgo]) {
    $date = gmdate('Y-m-d H:i:s', $now - $daysAgo * $day - 3600);
    $postarr = ['post_title' => $title, 'post_content' => $content, 'post_status' => 'publish',
                'post_author' => $key === 'classic-2' ? $author : $admin, 'post_date' => $date, 'post_date_gmt' => $date,
                'post_category' => [$daysAgo % 20 === 0 ? $sport : $news], 'comment_status' => 'open',
                'tags_input' => array_slice(['alpha', 'beta', 'gamma', 'delta', 'epsilon'], 0, 1 + $daysAgo % 5)];
    if ($key === 'protected') $postarr['post_password'] = 'open-sesame';
    $ids[$key] = wp_insert_post(wp_slash($postarr), true);
    if (is_wp_error($ids[$key])) { fwrite(STDERR, $ids[$key]->get_error_message()); exit(1); }
}
stick_post($ids['sticky']);

$future = gmdate('Y-m-d H:i:s', $now + 30 * $day);
$ids['scheduled'] = wp_insert_post(['post_title' => 'A scheduled post', 'post_content' => paragraph('Not yet.'),
                                    'post_status' => 'future', 'post_date' => $future, 'post_date_gmt' => $future]);

// Pages: a parent with a child, and a block page (Page List shows them).
$ids['page'] = wp_insert_post(['post_type' => 'page', 'post_status' => 'publish', 'post_title' => 'About',
                               'post_content' => paragraph('About this site.') . "\n\n" . paragraph('Second paragraph of the page.')]);
$ids['child-page'] = wp_insert_post(['post_type' => 'page', 'post_status' => 'publish', 'post_title' => 'Team',
                                     'post_parent' => $ids['page'], 'post_content' => '<p>The team, classic markup.</p>']);
$ids['page-list-page'] = wp_insert_post(['post_type' => 'page', 'post_status' => 'publish', 'post_title' => 'Site map',
                                         'post_content' => '<!-- wp:page-list /-->']);

// Comments, approved, for Latest Comments.
foreach (['block' => 'First!', 'classic' => 'A comment on the classic post.', 'comment-form' => 'Nice form.'] as $key => $text) {
    wp_insert_comment(['comment_post_ID' => $ids[$key], 'comment_content' => $text, 'comment_author' => 'Reader',
                       'comment_author_email' => 'reader@example.org', 'comment_approved' => 1,
                       'comment_date' => gmdate('Y-m-d H:i:s', $now - 7200), 'comment_date_gmt' => gmdate('Y-m-d H:i:s', $now - 7200)]);
}

echo json_encode(['ids' => $ids, 'user' => 'monitor', 'password' => $password]), "\n";
