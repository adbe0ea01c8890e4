// WebSub discovery (W3C WebSub §4), cases after the websub.rocks discovery tests: hub and self
// from Link headers, from the Atom/RSS document, from a JSON Feed, headers winning over the document,
// a rel=self that differs from the fetched URL, and YouTube's unadvertised hub.
import { describe, expect, it } from 'vitest'
import { discoverWebSub, GOOGLE_HUB } from '../../src/ingest/websub-discovery'

const FETCHED = 'https://publisher.example/feed'

const atom = (links: string, entryLinks = '') => `<?xml version="1.0"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>${links}
<entry><id>1</id><title>one</title>${entryLinks}</entry></feed>`

const rss = (links: string) => `<?xml version="1.0"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>T</title>${links}
<item><guid>1</guid><title>one</title></item></channel></rss>`

describe('WebSub discovery', () => {
  it.each([
    {
      name: 'Link headers name hub and self',
      linkHeader:
        '<https://hub.example/>; rel="hub", <https://publisher.example/topic>; rel="self"',
      body: atom(''),
      hubs: ['https://hub.example/'],
      self: 'https://publisher.example/topic',
    },
    {
      name: 'Atom links in the document',
      body: atom(
        '<link rel="hub" href="https://hub.example/a"/><link rel="self" href="https://publisher.example/atom"/>',
      ),
      hubs: ['https://hub.example/a'],
      self: 'https://publisher.example/atom',
    },
    {
      name: 'atom:link in RSS, relative hrefs resolved against the URL',
      body: rss('<atom:link rel="hub" href="/hub"/><atom:link href="/rss" rel="self"/>'),
      hubs: ['https://publisher.example/hub'],
      self: 'https://publisher.example/rss',
    },
    {
      name: 'headers win over the document when both name a hub',
      linkHeader: '<https://header-hub.example/>; rel=hub',
      body: atom('<link rel="hub" href="https://doc-hub.example/"/>'),
      hubs: ['https://header-hub.example/'],
      self: FETCHED,
    },
    {
      name: 'rel=self differs from the fetched URL: the topic is rel=self',
      body: atom(
        '<link rel="self" href="https://other.example/canonical"/><link rel="hub" href="https://hub.example/"/>',
      ),
      hubs: ['https://hub.example/'],
      self: 'https://other.example/canonical',
    },
    {
      name: 'an entry’s own hub link is not the feed’s',
      body: atom('', '<link rel="hub" href="https://entry-hub.example/"/>'),
      hubs: [],
      self: FETCHED,
    },
    {
      name: 'several rel values in one link header',
      linkHeader: '<https://hub.example/>; rel="hub other"',
      body: rss(''),
      hubs: ['https://hub.example/'],
      self: FETCHED,
    },
    {
      name: 'JSON Feed hubs and feed_url',
      contentType: 'application/feed+json',
      body: JSON.stringify({
        version: 'https://jsonfeed.org/version/1.1',
        title: 'J',
        feed_url: 'https://publisher.example/feed.json',
        hubs: [{ type: 'WebSub', url: 'https://hub.example/json' }],
        items: [],
      }),
      hubs: ['https://hub.example/json'],
      self: 'https://publisher.example/feed.json',
    },
    {
      name: 'a feed offering no hub',
      body: rss(''),
      hubs: [],
      self: FETCHED,
    },
  ])('$name', ({ linkHeader, body, contentType, hubs, self }) => {
    expect(discoverWebSub({ url: FETCHED, linkHeader, body, contentType })).toEqual({ hubs, self })
  })

  it('gives a YouTube channel feed Google’s hub though it advertises none', () => {
    const url = 'https://www.youtube.com/feeds/videos.xml?channel_id=UC123'
    const found = discoverWebSub({
      url,
      body: atom(`<link rel="self" href="${url.replace('&', '&amp;')}"/>`),
    })
    expect(found).toEqual({ hubs: [GOOGLE_HUB], self: url })
  })
})
