import { expect } from '@open-wc/testing';
import { popupPlacement, startPopupFlow } from './popup-flow.ts';

const bigScreen = { availWidth: 1920, availHeight: 1200, availLeft: 0, availTop: 0 };

describe('popupPlacement', () => {
  it('fits the Intuit consent page (about 610 × 950) on a screen with room for it', () => {
    const box = popupPlacement({ screenX: 0, screenY: 0, outerWidth: 1920, outerHeight: 1200 }, bigScreen);
    expect(box.width).to.be.at.least(610);
    expect(box.height).to.be.at.least(950);
  });

  it('is centred on the opener, wherever the opener is', () => {
    const opener = { screenX: 900, screenY: 100, outerWidth: 1000, outerHeight: 1080 };
    const box = popupPlacement(opener, { availWidth: 3840, availHeight: 2160 });
    const centre = (start: number, size: number) => start + size / 2;
    // The window's frame adds a little around the content; its centre is within a few pixels of the opener's.
    expect(Math.abs(centre(box.left, box.width + 16) - centre(opener.screenX, opener.outerWidth))).to.be.below(2);
    expect(Math.abs(centre(box.top, box.height + 80) - centre(opener.screenY, opener.outerHeight))).to.be.below(2);
  });

  it('is never larger than the available screen and stays on it', () => {
    const screen = { availWidth: 1366, availHeight: 728, availLeft: 0, availTop: 40 };
    const box = popupPlacement({ screenX: 1200, screenY: 500, outerWidth: 400, outerHeight: 300 }, screen);
    expect(box.height + 80).to.be.at.most(screen.availHeight);
    expect(box.width + 16).to.be.at.most(screen.availWidth);
    expect(box.top).to.be.at.least(40);
    expect(box.top + box.height + 80).to.be.at.most(40 + screen.availHeight);
    expect(box.left + box.width + 16).to.be.at.most(screen.availWidth);
  });

  it('keeps to a second monitor left of the first (negative coordinates)', () => {
    const screen = { availWidth: 1280, availHeight: 1024, availLeft: -1280, availTop: 0 };
    const box = popupPlacement({ screenX: -1280, screenY: 0, outerWidth: 1280, outerHeight: 1024 }, screen);
    expect(box.left).to.be.below(0);
    expect(box.left).to.be.at.least(-1280);
  });
});

describe('startPopupFlow', () => {
  it('opens the window with the placement for this screen', () => {
    const original = window.open;
    let features = '';
    window.open = ((_url: string, _name: string, given: string) => {
      features = given;
      return null;
    }) as typeof window.open;
    try {
      startPopupFlow({ url: async () => 'https://example.test', origin: 'https://example.test' });
    } finally {
      window.open = original;
    }
    const expected = popupPlacement(window, window.screen);
    expect(features).to.equal(`popup,width=${expected.width},height=${expected.height},left=${expected.left},top=${expected.top}`);
  });
});
