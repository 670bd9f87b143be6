package io.wecomrelay.responder.delivery;

/**
 * Names the cause in dead-letter headers of replies that could not be delivered; never thrown
 * across a boundary.
 */
final class DeliveryFailedException extends RuntimeException {

    DeliveryFailedException(String reason) {
        super(reason);
    }
}
